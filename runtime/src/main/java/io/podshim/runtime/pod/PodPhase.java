package io.podshim.runtime.pod;

/** A pod's phase as Kubernetes reports it (status.phase). */
public enum PodPhase {
    PENDING("Pending"), RUNNING("Running"), SUCCEEDED("Succeeded"), FAILED("Failed"), UNKNOWN("Unknown");

    private final String kubernetesName;

    PodPhase(String kubernetesName) {
        this.kubernetesName = kubernetesName;
    }

    public String kubernetesName() {
        return kubernetesName;
    }

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }
}
