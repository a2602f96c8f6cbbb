package io.podshim.runtime.pod;

import java.time.Duration;
import java.time.Instant;

/** What {@link PodDecisions} asks the pod's executor ({@link PodRun}) to do; it decides nothing itself. */
sealed interface PodAction {
    /** Make the pod's sandbox, cgroups, volumes and network (off the supervisor thread); the pod starts once it is there. */
    record CreateSandbox() implements PodAction {}

    /** Start the container: its first run, or the next one once its back-off is over. */
    record Launch(String container) implements PodAction {}

    /** Pull the container's image (shared with any pull of it under way) before its next run. */
    record PullImage(String container) implements PodAction {}

    /** The failed pull of the container's image is now shown as ImagePullBackOff, until it is tried again. */
    record ShowPullBackOff(String container) implements PodAction {}

    /** The container's image is not in the store and its policy is Never: say so (ErrImageNeverPull), look again later. */
    record ImageNeverPulled(String container) implements PodAction {}

    /** Restart the container after {@code delay}, its back-to-back restart count becoming {@code backToBackRestarts}. */
    record BackOff(String container, Duration delay, int backToBackRestarts) implements PodAction {}

    /** Stop the running container (preStop, stop signal, SIGKILL at {@code deadline}). */
    record Stop(String container, Instant deadline) implements PodAction {}

    /**
     * The container's spec changed while it ran: stop it (preStop, stop signal, SIGKILL after the
     * pod's grace period), and once it has ended run it again, now, with the new spec.
     */
    record Replace(String container) implements PodAction {}

    /** The pod's outcome is decided: stop what still runs, then report {@code phase}. */
    record Finish(PodPhase phase, String reason, String message) implements PodAction {}

    /** Nothing runs any more: remove the cgroups, sandbox, volumes and network (off the supervisor thread). */
    record TearDown() implements PodAction {}

    /** Decide again at {@code time} (a back-off ends, the active deadline falls). */
    record WakeAt(Instant time) implements PodAction {}
}
