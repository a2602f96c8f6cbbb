package io.podshim.cgroups;

/**
 * The CPU and memory requests and limits of one container, null where unset. As the Kubernetes API
 * server defaults them, a request left unset with a limit set takes the limit's value.
 */
public record ContainerResources(String name, Kind kind, Long cpuRequestMilli, Long cpuLimitMilli,
                                 Long memoryRequestBytes, Long memoryLimitBytes) {

    /** Where the container sits in the pod: sidecars are init containers with restartPolicy Always. */
    public enum Kind { INIT, SIDECAR, APP }

    public ContainerResources {
        cpuRequestMilli = cpuRequestMilli == null ? cpuLimitMilli : cpuRequestMilli;
        memoryRequestBytes = memoryRequestBytes == null ? memoryLimitBytes : memoryRequestBytes;
    }

    public static ContainerResources none(String name, Kind kind) {
        return new ContainerResources(name, kind, null, null, null, null);
    }

    /** This container's own cgroup limits; {@code pidsLimit} may be null. */
    public CgroupLimits limits(Long pidsLimit) {
        return new CgroupLimits(cpuRequestMilli == null ? 0 : cpuRequestMilli, cpuLimitMilli, memoryLimitBytes, pidsLimit);
    }

    boolean hasAny() {
        return cpuRequestMilli != null || cpuLimitMilli != null || memoryRequestBytes != null || memoryLimitBytes != null;
    }

    boolean isGuaranteed() {
        return cpuLimitMilli != null && memoryLimitBytes != null
                && cpuLimitMilli.equals(cpuRequestMilli) && memoryLimitBytes.equals(memoryRequestBytes);
    }
}
