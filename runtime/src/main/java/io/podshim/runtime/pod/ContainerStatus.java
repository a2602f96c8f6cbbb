package io.podshim.runtime.pod;

/** One container's status: its state, the state before the last restart, and how often it restarted. */
public record ContainerStatus(String name, String image, boolean init, boolean sidecar, ContainerState state,
                              ContainerState lastState, int restartCount, boolean ready, int pid) {}
