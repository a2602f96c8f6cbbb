package io.podshim.cgroups;

/**
 * What a cgroup has used. Counters the kernel does not offer are -1.
 *
 * @param memoryPeakBytes v1 memory.max_usage_in_bytes, v2 memory.peak (Linux 5.19+)
 * @param oomKills processes the OOM killer killed in this cgroup (v1 memory.oom_control oom_kill,
 *     v2 memory.events oom_kill); read it before the cgroup is removed
 */
public record CgroupStats(long memoryUsageBytes, long memoryPeakBytes, long cpuUsageNanos, long pidsCurrent,
                          long oomKills) {

    static final class Builder {
        long memoryUsageBytes = -1;
        long memoryPeakBytes = -1;
        long cpuUsageNanos = -1;
        long pidsCurrent = -1;
        long oomKills = -1;

        CgroupStats build() {
            return new CgroupStats(memoryUsageBytes, memoryPeakBytes, cpuUsageNanos, pidsCurrent, oomKills);
        }
    }
}
