package io.podshim.cgroups;

import java.time.Duration;

/**
 * The cgroup hierarchy of pods, laid out as kubelet does:
 * {@code <root>/<qos>/pod<uid>/<container>}, Guaranteed pods directly under {@code <root>}. The
 * pause lives in the pod cgroup, in a leaf of its own ({@value #PAUSE}): cgroup v2 allows processes
 * only in leaves once the pod cgroup has container children, and one layout serves both versions.
 * The name cannot clash with a container's, which must be a DNS label.
 */
public final class PodCgroups {
    public static final String DEFAULT_ROOT = "podshim";
    public static final String PAUSE = "_pause";

    private final CgroupManager manager;
    private final String rootName;
    private final Long podPidsLimit;

    /**
     * @param rootName the top cgroup podshim owns ({@value #DEFAULT_ROOT})
     * @param podPidsLimit pids.max of every pod cgroup (kubelet's --pod-max-pids), or null for none
     */
    public PodCgroups(CgroupManager manager, String rootName, Long podPidsLimit) {
        this.manager = manager;
        this.rootName = rootName;
        this.podPidsLimit = podPidsLimit;
    }

    public CgroupManager manager() {
        return manager;
    }

    public CgroupPath podPath(String podUid, QosClass qos) {
        CgroupPath parent = qos.cgroupName() == null ? CgroupPath.of(rootName) : CgroupPath.of(rootName, qos.cgroupName());
        return parent.child("pod" + podUid);
    }

    /** Creates the pod cgroup sized from {@code resources}, its QoS parent if needed, and the pause leaf. */
    public CgroupPath createPod(String podUid, PodResources resources) {
        CgroupPath pod = podPath(podUid, resources.qos());
        if (resources.qos() == QosClass.BEST_EFFORT) {
            CgroupPath bestEffort = CgroupPath.of(rootName, QosClass.BEST_EFFORT.cgroupName());
            manager.create(bestEffort);
            // BestEffort pods share the smallest CPU weight between them, as under kubelet.
            manager.apply(bestEffort, CgroupLimits.NONE);
        }
        manager.create(pod);
        try {
            manager.apply(pod, resources.limits(podPidsLimit));
            manager.create(pod.child(PAUSE));
            return pod;
        } catch (RuntimeException e) {
            manager.remove(pod, Duration.ofSeconds(5));
            throw e;
        }
    }

    /**
     * Creates the pod cgroup at {@code pod}, a place its caller chose (a CRI sandbox's, below the
     * cgroup_parent kubelet gives), with {@code limits} and the pause leaf.
     */
    public CgroupPath createPodAt(CgroupPath pod, CgroupLimits limits) {
        manager.create(pod);
        try {
            manager.apply(pod, limits);
            manager.create(pod.child(PAUSE));
            return pod;
        } catch (RuntimeException e) {
            manager.remove(pod, Duration.ofSeconds(5));
            throw e;
        }
    }

    public CgroupPath pausePath(CgroupPath pod) {
        return pod.child(PAUSE);
    }

    public CgroupPath createContainer(CgroupPath pod, ContainerResources resources) {
        CgroupPath container = pod.child(resources.name());
        manager.create(container);
        try {
            manager.apply(container, resources.limits(null));
            return container;
        } catch (RuntimeException e) {
            manager.remove(container, Duration.ofSeconds(5));
            throw e;
        }
    }

    /** Removes the QoS levels and the root if no pod uses them any more (for a runtime that exits). */
    public void removeEmptyLevels() {
        for (QosClass qos : QosClass.values()) {
            if (qos.cgroupName() != null) {
                manager.removeIfEmpty(CgroupPath.of(rootName, qos.cgroupName()));
            }
        }
        manager.removeIfEmpty(CgroupPath.of(rootName));
    }

    /** Kills whatever is left in the pod cgroup and removes it with everything below. Idempotent. */
    public void removePod(CgroupPath pod, Duration timeout) {
        manager.killAll(pod, timeout);
        manager.remove(pod, timeout);
    }
}
