package io.podshim.cgroups;

import java.nio.file.Path;

/** v1 memory: memory.limit_in_bytes; usage, peak and the OOM-kill count of memory.oom_control. */
final class MemoryV1 implements Controller {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void apply(Path dir, CgroupLimits limits) {
        CgroupFiles.write(dir.resolve("memory.limit_in_bytes"),
                limits.memoryLimitBytes() == null ? -1 : limits.memoryLimitBytes());
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder stats) {
        stats.memoryUsageBytes = CgroupFiles.readLong(dir.resolve("memory.usage_in_bytes"));
        stats.memoryPeakBytes = CgroupFiles.readLong(dir.resolve("memory.max_usage_in_bytes"));
        // oom_kill is in memory.oom_control since Linux 4.13.
        stats.oomKills = CgroupFiles.readKeyed(dir.resolve("memory.oom_control")).getOrDefault("oom_kill", -1L);
    }
}
