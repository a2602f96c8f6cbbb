package io.podshim.runtime.cri;

import io.podshim.cgroups.CgroupLimits;
import io.podshim.cri.v1.LinuxContainerResources;

/**
 * CRI resources (cpu shares, quota and period, bytes) in the terms podshim's cgroups take
 * (millicores and bytes): kubelet made the shares and quota from millicores, this undoes it.
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
        if (r.getOomScoreAdj() < 0) {
            // Lowering a score needs CAP_SYS_RESOURCE, which this node does not give podshim.
            throw io.podshim.runtime.PodException.invalid(field + ".oom_score_adj", r.getOomScoreAdj()
                    + " cannot be given here: a negative score needs CAP_SYS_RESOURCE; use 0 or more");
        }
        // kubelet: shares = milli * 1024 / 1000 (at least 2); quota = milli * period / 1000.
        long request = Math.round(r.getCpuShares() * 1000.0 / 1024);
        long period = r.getCpuPeriod() > 0 ? r.getCpuPeriod() : 100_000;
        Long limit = r.getCpuQuota() > 0 ? Math.max(1, Math.round(r.getCpuQuota() * 1000.0 / period)) : null;
        Long memory = r.getMemoryLimitInBytes() > 0 ? r.getMemoryLimitInBytes() : null;
        return new CgroupLimits(request, limit, memory, null);
    }
}
