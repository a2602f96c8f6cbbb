package io.podshim.cgroups;

import java.nio.file.Path;

/** v1 cpuacct: CPU time used, in nanoseconds. No limits. */
final class CpuacctV1 implements Controller {
    @Override
    public String name() {
        return "cpuacct";
    }

    @Override
    public void apply(Path dir, CgroupLimits limits) {
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder stats) {
        stats.cpuUsageNanos = CgroupFiles.readLong(dir.resolve("cpuacct.usage"));
    }
}
