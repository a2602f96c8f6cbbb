package io.podshim.cgroups;

import java.nio.file.Path;

/** v2 memory: memory.max; memory.current, memory.peak (5.19+) and oom_kill of memory.events. */
final class MemoryV2 implements Controller {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void apply(Path dir, CgroupLimits limits) {
        CgroupFiles.write(dir.resolve("memory.max"),
                limits.memoryLimitBytes() == null ? "max" : limits.memoryLimitBytes().toString());
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder stats) {
        stats.memoryUsageBytes = CgroupFiles.readLong(dir.resolve("memory.current"));
        stats.memoryPeakBytes = CgroupFiles.readLongIfPresent(dir.resolve("memory.peak")).orElse(-1);
        stats.oomKills = CgroupFiles.readKeyed(dir.resolve("memory.events")).getOrDefault("oom_kill", -1L);
    }
}
