package io.podshim.runtime.pod;

/**
 * One container's status: its state, the state before the last restart, how often it restarted,
 * and, as Kubernetes has them, {@code started} (running, postStart done, startup probe passed) and
 * {@code ready} (started, and passing its readiness probe if it has one).
 */
public record ContainerStatus(String name, String image, boolean init, boolean sidecar, ContainerState state,
                              ContainerState lastState, int restartCount, boolean ready, boolean started, int pid) {}
