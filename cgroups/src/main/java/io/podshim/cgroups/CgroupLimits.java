package io.podshim.cgroups;

/**
 * The limits of one cgroup in Kubernetes terms; each controller turns them into its own files.
 *
 * @param cpuRequestMilli the CPU request in millicores (0: none, which gives the minimum weight)
 * @param cpuLimitMilli the CPU limit in millicores, or null for no quota
 * @param memoryLimitBytes or null for no limit
 * @param pidsLimit or null for no limit
 */
public record CgroupLimits(long cpuRequestMilli, Long cpuLimitMilli, Long memoryLimitBytes, Long pidsLimit) {
    public static final CgroupLimits NONE = new CgroupLimits(0, null, null, null);

    public CgroupLimits {
        if (cpuRequestMilli < 0 || (cpuLimitMilli != null && cpuLimitMilli <= 0)
                || (memoryLimitBytes != null && memoryLimitBytes <= 0) || (pidsLimit != null && pidsLimit <= 0)) {
            throw new IllegalArgumentException("cgroup limits must be positive: " + cpuRequestMilli + "m, "
                    + cpuLimitMilli + "m, " + memoryLimitBytes + " bytes, " + pidsLimit + " pids");
        }
    }
}
