package io.podshim.cgroups;

import java.util.List;
import java.util.function.Function;

/**
 * The pod-level resources Kubernetes derives from its containers, which size the pod cgroup.
 *
 * <p>Effective request (and limit) of a resource = max(sum over app containers and sidecars,
 * max over each init container of (its value + the sidecars declared before it)). Init containers
 * run one at a time, so they are never summed. A pod limit exists only when every container has one.
 */
public record PodResources(QosClass qos, long cpuRequestMilli, Long cpuLimitMilli, long memoryRequestBytes,
                           Long memoryLimitBytes, Long pidsLimit) {

    /** @param pidsLimit the pod's own pids limit (pod-level {@code resources.limits.pids}), or null */
    public PodResources(QosClass qos, long cpuRequestMilli, Long cpuLimitMilli, long memoryRequestBytes, Long memoryLimitBytes) {
        this(qos, cpuRequestMilli, cpuLimitMilli, memoryRequestBytes, memoryLimitBytes, null);
    }

    /** {@code containers} in spec order: the init containers (sidecars among them), then the apps. */
    public static PodResources of(List<ContainerResources> containers) {
        return new PodResources(qosOf(containers),
                effective(containers, ContainerResources::cpuRequestMilli),
                allHave(containers, ContainerResources::cpuLimitMilli) ? effective(containers, ContainerResources::cpuLimitMilli) : null,
                effective(containers, ContainerResources::memoryRequestBytes),
                allHave(containers, ContainerResources::memoryLimitBytes) ? effective(containers, ContainerResources::memoryLimitBytes) : null);
    }

    /**
     * These resources under the pod's own {@code spec.resources} (Kubernetes 1.34's pod-level
     * resources; each null where unset): a pod-level value takes precedence over what the
     * containers add up to, an unset request is its limit as for a container, and the QoS class
     * comes from the pod-level values when there are any.
     */
    public PodResources withPodLevel(Long cpuRequest, Long cpuLimit, Long memoryRequest, Long memoryLimit) {
        return withPodLevel(cpuRequest, cpuLimit, memoryRequest, memoryLimit, null);
    }

    /** {@link #withPodLevel(Long, Long, Long, Long)} and the pod's own pids limit (null: none). */
    public PodResources withPodLevel(Long cpuRequest, Long cpuLimit, Long memoryRequest, Long memoryLimit, Long pids) {
        if (cpuRequest == null && cpuLimit == null && memoryRequest == null && memoryLimit == null) {
            return pids == null ? this : new PodResources(qos, cpuRequestMilli, cpuLimitMilli, memoryRequestBytes, memoryLimitBytes, pids);
        }
        long cpuReq = cpuRequest != null ? cpuRequest : cpuLimit != null ? cpuLimit : cpuRequestMilli;
        long memReq = memoryRequest != null ? memoryRequest : memoryLimit != null ? memoryLimit : memoryRequestBytes;
        Long cpuLim = cpuLimit != null ? cpuLimit : cpuLimitMilli;
        Long memLim = memoryLimit != null ? memoryLimit : memoryLimitBytes;
        boolean guaranteed = cpuLimit != null && memoryLimit != null && cpuReq == cpuLimit && memReq == memoryLimit;
        return new PodResources(guaranteed ? QosClass.GUARANTEED : QosClass.BURSTABLE, cpuReq, cpuLim, memReq, memLim, pids);
    }

    /** The pod cgroup's limits; {@code podPidsLimit} (kubelet's --pod-max-pids) may be null. */
    public CgroupLimits limits(Long podPidsLimit) {
        // The node's --pod-max-pids bounds every pod; a pod may ask for fewer, never more.
        Long pids = pidsLimit == null ? podPidsLimit : podPidsLimit == null ? pidsLimit : Long.valueOf(Math.min(pidsLimit, podPidsLimit));
        return new CgroupLimits(cpuRequestMilli, cpuLimitMilli, memoryLimitBytes, pids);
    }

    private static QosClass qosOf(List<ContainerResources> containers) {
        if (containers.stream().noneMatch(ContainerResources::hasAny)) {
            return QosClass.BEST_EFFORT;
        }
        return containers.stream().allMatch(ContainerResources::isGuaranteed) ? QosClass.GUARANTEED : QosClass.BURSTABLE;
    }

    private static long effective(List<ContainerResources> containers, Function<ContainerResources, Long> value) {
        long running = 0;
        long sidecarsSoFar = 0;
        long largestInit = 0;
        for (ContainerResources c : containers) {
            long v = value.apply(c) == null ? 0 : value.apply(c);
            switch (c.kind()) {
                case INIT -> largestInit = Math.max(largestInit, v + sidecarsSoFar);
                case SIDECAR -> {
                    // A sidecar starts like an init container (with the sidecars before it), then keeps running.
                    largestInit = Math.max(largestInit, v + sidecarsSoFar);
                    sidecarsSoFar += v;
                    running += v;
                }
                case APP -> running += v;
            }
        }
        return Math.max(running, largestInit);
    }

    private static boolean allHave(List<ContainerResources> containers, Function<ContainerResources, Long> value) {
        return !containers.isEmpty() && containers.stream().allMatch(c -> value.apply(c) != null);
    }
}
