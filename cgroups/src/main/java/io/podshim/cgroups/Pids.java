package io.podshim.cgroups;

import java.nio.file.Path;

/** pids: pids.max and pids.current, the same files in v1 and v2. */
final class Pids implements Controller {
    @Override
    public String name() {
        return "pids";
    }

    @Override
    public void apply(Path dir, CgroupLimits limits) {
        CgroupFiles.write(dir.resolve("pids.max"), limits.pidsLimit() == null ? "max" : limits.pidsLimit().toString());
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder stats) {
        stats.pidsCurrent = CgroupFiles.readLong(dir.resolve("pids.current"));
    }
}
