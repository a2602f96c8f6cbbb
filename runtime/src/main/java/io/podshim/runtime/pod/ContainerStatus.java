package io.podshim.runtime.pod;

/**
 * One container's status: its state, the state before the last restart, how often it restarted,
 * and, as Kubernetes has them, {@code started} (running, postStart done, startup probe passed) and
 * {@code ready} (started, and passing its readiness probe if it has one). {@code containerID}
 * ({@code podshim://<id>}, one per run) and {@code imageID} (the image's content id) once it has run.
 */
public record ContainerStatus(String name, String image, boolean init, boolean sidecar, ContainerState state,
                              ContainerState lastState, int restartCount, boolean ready, boolean started, int pid,
                              String containerID, String imageID) {
    public ContainerStatus(String name, String image, boolean init, boolean sidecar, ContainerState state,
                           ContainerState lastState, int restartCount, boolean ready, boolean started, int pid) {
        this(name, image, init, sidecar, state, lastState, restartCount, ready, started, pid, null, null);
    }
}
