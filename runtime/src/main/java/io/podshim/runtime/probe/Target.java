package io.podshim.runtime.probe;

import io.podshim.linux.PidFd;
import io.podshim.runtime.container.LaunchPlan;
import java.nio.file.Path;

/**
 * What a probe or hook acts on: a running container of a pod. Sockets are made in the pause's
 * network namespace; commands are exec'd into the container as {@code kubectl exec} would be.
 * The pidfds belong to the pod; they outlive every attempt, which the pod cancels before it lets
 * them go.
 *
 * @param container the container's pidfd, or null if it has ended (an exec then fails)
 */
public record Target(Path execStage, PidFd pause, PidFd container, LaunchPlan plan) {}
