package io.podshim.runtime.pod;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What should happen next to a pod, as a pure function of its spec, its lifecycle, what was
 * observed of each container and the time: kubelet's computePodActions for podshim. No I/O, no
 * threads, no clock of its own; {@link PodRun} carries the actions out and calls it again after
 * every event. Called any number of times on the same input it answers the same.
 */
final class PodDecisions {
    private PodDecisions() {}

    /** EPHEMERAL: added to the running pod to debug it; started once, never restarted, no part of the pod's outcome. */
    enum Role { INIT, SIDECAR, APP, EPHEMERAL }

    /** Where a container is, as the executor saw it last. */
    enum Status {
        /** Not launched yet in this pod's life. */
        NOT_STARTED,
        RUNNING,
        /** Ended, and nothing decided about it yet. */
        TERMINATED,
        /** Ended, and waiting until {@code restartAt} to run again. */
        BACKING_OFF
    }

    /** Where the pod's sandbox stands: made off the supervisor thread, so the decisions wait for it. */
    enum Sandbox {
        /** Not there: to be made, after {@code sandboxRetryAt} if an attempt failed. */
        NONE,
        /** Being made. */
        MAKING,
        READY,
        /** Being removed, once nothing runs in it. */
        REMOVING
    }

    /** Where the pull of a container's image stands. */
    enum Pull {
        NONE,
        PULLING,
        /** The last pull failed (ErrImagePull); the next one waits until {@code retryAt}. */
        FAILED,
        /** Still waiting for the next pull, and saying so (ImagePullBackOff, or ErrImageNeverPull). */
        BACKING_OFF
    }

    /**
     * The image a container's next run needs.
     *
     * @param present the store has it
     * @param fresh a pull for the next run has finished (what Always asks before every run)
     * @param failedAt when the last pull failed, if it did
     * @param retryAt when a failed pull may be tried again, if it failed
     */
    record Image(PullPolicy policy, boolean present, boolean fresh, Pull pull, Instant failedAt, Instant retryAt) {
        static Image ready(PullPolicy policy) {
            return new Image(policy, true, true, Pull.NONE, null, null);
        }
    }

    /**
     * @param restartPolicy the container's own (Kubernetes 1.35), or null to follow the pod's
     * @param rules its restartPolicyRules, checked in order before its restartPolicy
     * @param startedUp running, postStart done and startup probe passed (what gates the next init container)
     * @param stopping a stop of the running container is under way
     * @param exitCode how its last run ended, if it has ended
     * @param ran how long its last run ran (for the back-off reset), if it has ended
     * @param changed its spec was updated (a new image) while it ran: that run is of the old one
     * @param waitingForConfig a ConfigMap, Secret or key its environment needs is missing
     *     (CreateContainerConfigError): its run waits until what it needs is applied
     */
    record Container(String name, Role role, RestartPolicy restartPolicy, List<RestartRule> rules, Status status,
                     boolean startedUp, boolean stopping, Integer exitCode, Duration ran, int backToBackRestarts,
                     Instant restartAt, Image image, boolean changed, boolean waitingForConfig) {
        Container {
            rules = List.copyOf(rules);
        }

        Container(String name, Role role, RestartPolicy restartPolicy, List<RestartRule> rules, Status status,
                  boolean startedUp, boolean stopping, Integer exitCode, Duration ran, int backToBackRestarts,
                  Instant restartAt, Image image, boolean changed) {
            this(name, role, restartPolicy, rules, status, startedUp, stopping, exitCode, ran, backToBackRestarts, restartAt,
                    image, changed, false);
        }

        Container(String name, Role role, RestartPolicy restartPolicy, List<RestartRule> rules, Status status,
                  boolean startedUp, boolean stopping, Integer exitCode, Duration ran, int backToBackRestarts,
                  Instant restartAt, Image image) {
            this(name, role, restartPolicy, rules, status, startedUp, stopping, exitCode, ran, backToBackRestarts, restartAt,
                    image, false);
        }
    }

    /**
     * @param startTime when the sandbox was ready (activeDeadlineSeconds counts from it, init included)
     * @param stopDeadline when FINISHING or TERMINATING: when whatever still runs gets SIGKILL
     * @param sandboxRetryAt when the sandbox may be tried again after a failed attempt, or null
     * @param waitingForVolumes a ConfigMap or Secret a volume needs is missing (FailedMount): the
     *     sandbox waits until it is applied, as kubelet waits for every volume before the sandbox
     */
    record Pod(PodLifecycle lifecycle, RestartPolicy restartPolicy, Instant startTime, Long activeDeadlineSeconds,
               Instant stopDeadline, Sandbox sandbox, Instant sandboxRetryAt, List<Container> containers,
               boolean waitingForVolumes) {
        Pod {
            containers = List.copyOf(containers);
        }

        Pod(PodLifecycle lifecycle, RestartPolicy restartPolicy, Instant startTime, Long activeDeadlineSeconds,
            Instant stopDeadline, Sandbox sandbox, Instant sandboxRetryAt, List<Container> containers) {
            this(lifecycle, restartPolicy, startTime, activeDeadlineSeconds, stopDeadline, sandbox, sandboxRetryAt, containers, false);
        }

        List<Container> of(Role role) {
            return containers.stream().filter(c -> c.role() == role).toList();
        }
    }

    static List<PodAction> decide(Pod pod, Instant now, BackoffPolicy backoff) {
        return switch (pod.lifecycle()) {
            case CREATING -> create(pod, now);
            case DONE -> List.of();
            case INITIALIZING, RUNNING -> run(pod, now, backoff);
            // A sandbox being made or removed is waited for: what is made is removed whole, once.
            case FINISHING, TERMINATING -> pod.sandbox() == Sandbox.MAKING || pod.sandbox() == Sandbox.REMOVING ? List.of() : stop(pod);
        };
    }

    /** As kubelet's SyncPod begins: no sandbox, make one; a failed attempt is tried again after its back-off. */
    private static List<PodAction> create(Pod pod, Instant now) {
        if (pod.sandbox() != Sandbox.NONE || pod.waitingForVolumes()) {
            return List.of();
        }
        if (pod.sandboxRetryAt() != null && now.isBefore(pod.sandboxRetryAt())) {
            return List.of(new PodAction.WakeAt(pod.sandboxRetryAt()));
        }
        return List.of(new PodAction.CreateSandbox());
    }

    private static List<PodAction> run(Pod pod, Instant now, BackoffPolicy backoff) {
        List<PodAction> actions = new ArrayList<>();
        // As kubelet: ephemeral containers start as soon as they are added, ahead of init containers
        // (a pod whose init fails can still be debugged), and run once.
        for (Container c : pod.of(Role.EPHEMERAL)) {
            if (c.status() == Status.NOT_STARTED) {
                launch(c, now, actions);
            }
        }
        if (pod.activeDeadlineSeconds() != null && pod.startTime() != null) {
            Instant deadline = pod.startTime().plusSeconds(pod.activeDeadlineSeconds());
            if (!now.isBefore(deadline)) {
                return List.of(new PodAction.Finish(PodPhase.FAILED, "DeadlineExceeded",
                        "Pod was active on the node longer than the specified deadline (" + pod.activeDeadlineSeconds() + "s)"));
            }
            actions.add(new PodAction.WakeAt(deadline));
        }
        if (pod.lifecycle() == PodLifecycle.RUNNING) {
            // Init is over: sidecars only run again when they end (or their spec changed); the app containers go their own way.
            pod.of(Role.SIDECAR).forEach(c -> {
                if (!replaced(c, actions)) {
                    restartIfNeeded(c, true, now, backoff, actions);
                }
            });
            return apps(pod, now, backoff, actions);
        }
        // Init containers strictly in order; a sidecar must be started up before the next one goes.
        for (Container c : pod.containers()) {
            if (c.role() == Role.APP || c.role() == Role.EPHEMERAL) {
                continue;
            }
            if (c.role() == Role.SIDECAR) {
                restartIfNeeded(c, true, now, backoff, actions);
                if (c.status() == Status.NOT_STARTED) {
                    launch(c, now, actions);
                }
                if (!c.startedUp()) {
                    return actions;
                }
                continue;
            }
            if (c.status() == Status.TERMINATED && c.exitCode() == 0) {
                continue;
            }
            if (c.status() == Status.TERMINATED && pod.restartPolicy() == RestartPolicy.NEVER) {
                return List.of(new PodAction.Finish(PodPhase.FAILED, null,
                        "init container " + c.name() + " failed; restartPolicy Never: the pod fails"));
            }
            restartIfNeeded(c, true, now, backoff, actions);
            if (c.status() == Status.NOT_STARTED) {
                launch(c, now, actions);
            }
            return actions;
        }
        return apps(pod, now, backoff, actions);
    }

    /** Once init is done: start every app container, restart the ones that ended as their policy says, see if all are done. */
    private static List<PodAction> apps(Pod pod, Instant now, BackoffPolicy backoff, List<PodAction> actions) {
        boolean done = true;
        boolean allSucceeded = true;
        for (Container c : pod.of(Role.APP)) {
            if (replaced(c, actions)) {
                done = false;
            } else if (c.status() == Status.NOT_STARTED) {
                launch(c, now, actions);
                done = false;
            } else if (c.status() == Status.TERMINATED || c.status() == Status.BACKING_OFF) {
                boolean restarts = restarts(c, pod.restartPolicy());
                restartIfNeeded(c, restarts, now, backoff, actions);
                done &= !restarts;
                allSucceeded &= c.exitCode() != null && c.exitCode() == 0;
            } else {
                done = false;
            }
        }
        if (done) {
            // As Kubernetes: Succeeded once every app container has ended for good with 0, else Failed.
            return List.of(new PodAction.Finish(allSucceeded ? PodPhase.SUCCEEDED : PodPhase.FAILED, null, null));
        }
        return actions;
    }

    /**
     * A container whose spec changed while it ran (an image update): it is stopped, then run again
     * at once whatever its restart policy, as kubelet does when a running container's hash changes.
     */
    private static boolean replaced(Container c, List<PodAction> actions) {
        if (!c.changed() || c.status() != Status.RUNNING && c.status() != Status.TERMINATED) {
            return false;
        }
        if (!c.stopping()) {
            actions.add(new PodAction.Replace(c.name()));
        }
        return true;
    }

    /** For an ended container that must run again: its back-off, then its launch once the back-off is over. */
    private static void restartIfNeeded(Container c, boolean restarts, Instant now, BackoffPolicy backoff, List<PodAction> actions) {
        if (!restarts) {
            return;
        }
        if (c.status() == Status.TERMINATED) {
            // A run as long as the reset time forgets earlier crashes, as kubelet's back-off does.
            int before = c.ran() != null && c.ran().compareTo(backoff.resetAfter()) >= 0 ? 0 : c.backToBackRestarts();
            actions.add(new PodAction.BackOff(c.name(), backoff.delay(before), before + 1));
        } else if (c.status() == Status.BACKING_OFF) {
            if (now.isBefore(c.restartAt())) {
                actions.add(new PodAction.WakeAt(c.restartAt()));
            } else {
                launch(c, now, actions);
            }
        }
    }

    /**
     * A container whose run is due: launched once its image is there as its pull policy wants it,
     * as kubelet's EnsureImageExists comes before every start. Else its pull, or the wait for one:
     * a failed pull is ErrImagePull for the first half of its back-off, ImagePullBackOff for the
     * rest (kubelet shows the one until its next look at the pod, the other after), then tried again.
     */
    private static void launch(Container c, Instant now, List<PodAction> actions) {
        Image image = c.image();
        if (image.pull() == Pull.PULLING) {
            return; // its end is an event
        }
        if ((image.pull() == Pull.FAILED || image.pull() == Pull.BACKING_OFF) && now.isBefore(image.retryAt())) {
            Instant showBackOff = image.failedAt().plus(Duration.between(image.failedAt(), image.retryAt()).dividedBy(2));
            if (image.pull() == Pull.FAILED && !now.isBefore(showBackOff)) {
                actions.add(new PodAction.ShowPullBackOff(c.name()));
            } else {
                actions.add(new PodAction.WakeAt(image.pull() == Pull.FAILED ? showBackOff : image.retryAt()));
            }
            return;
        }
        if (image.policy() == PullPolicy.NEVER && !image.present()) {
            actions.add(new PodAction.ImageNeverPulled(c.name()));
            return;
        }
        boolean pull = image.policy() == PullPolicy.ALWAYS ? !image.fresh() : !image.present();
        if (pull) {
            actions.add(new PodAction.PullImage(c.name()));
        } else if (!c.waitingForConfig()) {
            actions.add(new PodAction.Launch(c.name())); // else what it waits for being applied is the event
        }
    }

    /**
     * Whether an ended app container runs again: its restartPolicyRules first (the first rule that
     * matches its exit code restarts it), then its own restartPolicy, then the pod's.
     */
    static boolean restarts(Container c, RestartPolicy podPolicy) {
        int exit = c.exitCode() == null ? 0 : c.exitCode();
        for (RestartRule rule : c.rules()) {
            if (rule.matches(exit)) {
                return true;
            }
        }
        RestartPolicy policy = c.restartPolicy() != null ? c.restartPolicy() : podPolicy;
        return policy == RestartPolicy.ALWAYS || policy == RestartPolicy.ON_FAILURE && exit != 0;
    }

    /**
     * Termination order, as kubelet's: the app containers (and a plain init container) first, all
     * together; then the sidecars one at a time, the last started first; then the teardown. Each
     * gets what is left of the one grace period.
     */
    private static List<PodAction> stop(Pod pod) {
        List<Container> first = pod.containers().stream().filter(c -> c.role() != Role.SIDECAR && c.status() == Status.RUNNING).toList();
        if (!first.isEmpty()) {
            return first.stream().filter(c -> !c.stopping()).map(c -> (PodAction) new PodAction.Stop(c.name(), pod.stopDeadline())).toList();
        }
        List<Container> sidecars = new ArrayList<>(pod.of(Role.SIDECAR));
        java.util.Collections.reverse(sidecars);
        for (Container c : sidecars) {
            if (c.status() == Status.RUNNING) {
                return c.stopping() ? List.of() : List.of(new PodAction.Stop(c.name(), pod.stopDeadline()));
            }
        }
        return List.of(new PodAction.TearDown());
    }
}
