package io.podshim.cgroups;

import java.nio.file.Path;

/** v1 cpu: cpu.shares from the request, a CFS quota from the limit. */
final class CpuV1 implements Controller {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public void apply(Path dir, CgroupLimits limits) {
        CgroupFiles.write(dir.resolve("cpu.shares"), CpuConversions.shares(limits.cpuRequestMilli()));
        CgroupFiles.write(dir.resolve("cpu.cfs_period_us"), CpuConversions.PERIOD_US);
        CgroupFiles.write(dir.resolve("cpu.cfs_quota_us"),
                limits.cpuLimitMilli() == null ? -1 : CpuConversions.quota(limits.cpuLimitMilli()));
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder stats) {
        // Usage comes from cpuacct, a hierarchy of its own on many hosts.
    }
}
