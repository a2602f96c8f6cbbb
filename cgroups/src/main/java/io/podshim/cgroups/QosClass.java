package io.podshim.cgroups;

/** A pod's Kubernetes QoS class, and the cgroup its pod cgroup lives under (as kubelet lays them out). */
public enum QosClass {
    /** Every container has CPU and memory limits equal to its requests: directly under the root. */
    GUARANTEED(null),
    /** Some requests or limits, not Guaranteed: under {@code <root>/burstable}. */
    BURSTABLE("burstable"),
    /** No requests or limits at all: under {@code <root>/besteffort}, with the minimum CPU weight. */
    BEST_EFFORT("besteffort");

    private final String cgroupName;

    QosClass(String cgroupName) {
        this.cgroupName = cgroupName;
    }

    /** The name of the QoS level cgroup, or null for Guaranteed pods, which have none. */
    public String cgroupName() {
        return cgroupName;
    }

    /** As Kubernetes spells it in status.qosClass. */
    public String kubernetesName() {
        return switch (this) {
            case GUARANTEED -> "Guaranteed";
            case BURSTABLE -> "Burstable";
            case BEST_EFFORT -> "BestEffort";
        };
    }
}
