package io.podshim.runtime.cri;

import io.podshim.cgroups.CgroupLimits;
import io.podshim.cri.v1.LinuxContainerResources;

/**
 * CRI resources (cpu shares, quota and period, bytes) in the terms podshim's cgroups take
 * (millicores and bytes): kubelet made the shares and quota from millicores, this undoes it.
 * oom_score_adj is not a cgroup's: {@link #oomScoreAdj} says what a container's process gets.
 */
final class CriLimits {
    private CriLimits() {}

    static CgroupLimits of(LinuxContainerResources r, String field) {
        if (r == null || r.equals(LinuxContainerResources.getDefaultInstance())) {
            return CgroupLimits.NONE;
        }
        if (r.getCpuShares() < 0 || r.getCpuQuota() < -1 || r.getCpuPeriod() < 0 || r.getMemoryLimitInBytes() < 0) {
            throw io.podshim.runtime.PodException.invalid(field, "cpu_shares, cpu_quota, cpu_period and memory_limit_in_bytes"
                    + " cannot be negative (cpu_quota -1 is no quota)");
        }
        if (r.getOomScoreAdj() < -1000 || r.getOomScoreAdj() > 1000) {
            throw io.podshim.runtime.PodException.invalid(field + ".oom_score_adj", r.getOomScoreAdj() + " is not a score: give -1000 to 1000");
        }
        // kubelet: shares = milli * 1024 / 1000 (at least 2); quota = milli * period / 1000.
        long request = Math.round(r.getCpuShares() * 1000.0 / 1024);
        long period = r.getCpuPeriod() > 0 ? r.getCpuPeriod() : 100_000;
        Long limit = r.getCpuQuota() > 0 ? Math.max(1, Math.round(r.getCpuQuota() * 1000.0 / period)) : null;
        Long memory = r.getMemoryLimitInBytes() > 0 ? r.getMemoryLimitInBytes() : null;
        return new CgroupLimits(request, limit, memory, null);
    }

    /**
     * The oom_score_adj a container gets for the one asked (0: none asked, leave it): never below
     * {@code floor}, the daemon's own, since lowering it below that needs CAP_SYS_RESOURCE, which a
     * node like this one does not give (kubelet asks -997 for a Guaranteed pod), as containerd's
     * restrict_oom_score_adj does.
     */
    static int oomScoreAdj(LinuxContainerResources r, int floor) {
        return Math.max((int) r.getOomScoreAdj(), floor);
    }
}
