package io.podshim.cgroups;

/**
 * Kubernetes CPU → cgroup values, as kubelet computes them (pkg/kubelet/cm helpers).
 */
public final class CpuConversions {
    public static final long MIN_SHARES = 2;
    public static final long MAX_SHARES = 262144;
    public static final long PERIOD_US = 100_000;
    public static final long MIN_QUOTA_US = 1_000;

    private CpuConversions() {}

    /** v1 cpu.shares: {@code max(2, milli * 1024 / 1000)}, capped at 262144; no request gives 2. */
    public static long shares(long requestMilli) {
        long shares = requestMilli * 1024 / 1000;
        return Math.max(MIN_SHARES, Math.min(MAX_SHARES, shares));
    }

    /** cfs quota in µs per 100 ms period: {@code max(1000, milliLimit * 100)}. */
    public static long quota(long limitMilli) {
        return Math.max(MIN_QUOTA_US, limitMilli * PERIOD_US / 1000);
    }

    /**
     * v2 cpu.weight from v1 shares by the linear map of [2, 262144] onto [1, 10000] that runc,
     * crun and kubelet use ({@code 1 + (shares - 2) * 9999 / 262142}). It keeps a pod's weight
     * relative to pods run by those runtimes on the same node; the cost is that the default 1024
     * shares become weight 39, not the v2 default 100.
     */
    public static long weight(long shares) {
        long clamped = Math.max(MIN_SHARES, Math.min(MAX_SHARES, shares));
        return 1 + (clamped - MIN_SHARES) * 9999 / (MAX_SHARES - MIN_SHARES);
    }
}
