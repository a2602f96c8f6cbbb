package io.podshim.runtime.pod;

import io.podshim.runtime.container.ContainerProcess;
import io.podshim.runtime.probe.Action;
import io.podshim.runtime.probe.Attempt;
import io.podshim.runtime.probe.Loop;
import io.podshim.runtime.probe.Outcome;
import io.podshim.runtime.probe.Probe;
import io.podshim.runtime.probe.ProbeWorker;
import io.podshim.runtime.probe.Target;
import java.time.Duration;

/**
 * A pod's lifecycle hooks and probes, container run by container run, as kubelet drives them: once
 * a container runs, its postStart hook (a failure kills it); then its startup probe, and once that
 * passes its liveness and readiness probes. A failed startup or liveness probe kills the container
 * with the probe's grace period, after which the pod's restart policy applies; readiness sets the
 * container's Ready. preStop runs before the stop signal, cut off at the end of the grace period.
 * Everything runs on the supervisor's loop; every attempt's failure is an event.
 */
final class PodHealth {
    /** What the pod does with what the probes and hooks find. */
    interface Pod {
        void event(String type, String reason, String object, String message);

        /** Stops {@code c} within {@code grace} (preStop, stop signal, SIGKILL); its policy decides what next. */
        void kill(ContainerRun c, Duration grace);

        /** {@code c} has started: its postStart hook is done and its startup probe passed. */
        void startedUp(ContainerRun c);

        /** Something a status shows has changed. */
        void changed();

        Target target(ContainerRun c);

        /** The pod's terminationGracePeriodSeconds. */
        Duration grace();
    }

    private final Pod pod;
    private final Loop loop;

    PodHealth(Pod pod, Loop loop) {
        this.pod = pod;
        this.loop = loop;
    }

    /** {@code c} has just started running: postStart, then the probes. */
    void started(ContainerRun c) {
        reset(c);
        Action postStart = c.spec.lifecycle().postStart();
        if (postStart == null) {
            postStartDone(c);
            return;
        }
        ContainerProcess run = c.process;
        c.hook = Attempt.start(postStart, pod.target(c), null, loop, outcome -> {
            c.hook = null;
            if (c.process != run) {
                return;
            }
            if (outcome.success()) {
                postStartDone(c);
                pod.changed();
            } else {
                pod.event("Warning", "FailedPostStartHook", c.name(), "PostStart hook " + postStart.describe() + " failed: "
                        + outcome.message());
                pod.kill(c, pod.grace());
            }
        });
    }

    /**
     * {@code c} was running when an earlier daemon died and is taken over: its postStart is taken as
     * done (it ran then, or the container would not be running), and probing starts again where the
     * record says the container was.
     */
    void resumed(ContainerRun c, boolean startupPassed) {
        reset(c);
        c.postStartDone = true;
        if (startupPassed) {
            startupPassed(c);
        } else {
            postStartDone(c);
        }
    }

    /** Ends the current run's probes and any hook under way (the container stopped, or is being stopped). */
    void stop(ContainerRun c) {
        c.probes.forEach(ProbeWorker::stop);
        c.probes.clear();
        if (c.hook != null) {
            c.hook.cancel();
            c.hook = null;
        }
    }

    /**
     * Runs {@code c}'s preStop hook, if it has one, for at most {@code left}, and then {@code then};
     * a failed or cut-off hook is an event, and the stop goes on.
     */
    void preStop(ContainerRun c, Duration left, Runnable then) {
        stop(c);
        Action preStop = c.spec.lifecycle().preStop();
        if (preStop == null) {
            then.run();
            return;
        }
        ContainerProcess run = c.process;
        pod.event("Normal", "PreStop", c.name(), "Running preStop hook " + preStop.describe() + " (at most "
                + Attempt.seconds(left) + ", the grace period left)");
        c.hook = Attempt.start(preStop, pod.target(c), left, loop, outcome -> {
            c.hook = null;
            if (c.process != run) {
                return;
            }
            if (!outcome.success()) {
                pod.event("Warning", "FailedPreStopHook", c.name(), "PreStop hook " + preStop.describe() + " failed: "
                        + outcome.message());
            }
            then.run();
        });
    }

    private void reset(ContainerRun c) {
        stop(c);
        c.postStartDone = false;
        c.startupPassed = false;
        c.probedReady = false;
    }

    private void postStartDone(ContainerRun c) {
        c.postStartDone = true;
        Probe startup = c.spec.startupProbe();
        if (startup == null) {
            startupPassed(c);
        } else {
            probe(c, ProbeWorker.Kind.STARTUP, startup);
        }
    }

    private void startupPassed(ContainerRun c) {
        c.startupPassed = true;
        if (c.spec.livenessProbe() != null) {
            probe(c, ProbeWorker.Kind.LIVENESS, c.spec.livenessProbe());
        }
        if (c.spec.readinessProbe() != null) {
            probe(c, ProbeWorker.Kind.READINESS, c.spec.readinessProbe());
        }
        pod.startedUp(c);
    }

    private void probe(ContainerRun c, ProbeWorker.Kind kind, Probe probe) {
        ContainerProcess run = c.process;
        ProbeWorker worker = new ProbeWorker(kind, probe, pod.target(c), loop, new ProbeWorker.Listener() {
            @Override
            public void attemptFailed(ProbeWorker w, Outcome outcome) {
                if (c.process == run) {
                    pod.event("Warning", "Unhealthy", c.name(), kind.title() + " probe failed: " + outcome.message());
                    pod.changed();
                }
            }

            @Override
            public void resultChanged(ProbeWorker w, boolean success) {
                if (c.process != run) {
                    return;
                }
                switch (kind) {
                    case READINESS -> {
                        c.probedReady = success;
                        pod.changed();
                    }
                    case STARTUP -> {
                        w.stop();
                        c.probes.remove(w);
                        if (success) {
                            startupPassed(c);
                            pod.changed();
                        } else {
                            unhealthy(c, "startup", probe);
                        }
                    }
                    case LIVENESS -> {
                        if (!success) {
                            unhealthy(c, "liveness", probe);
                        }
                    }
                }
            }
        });
        c.probes.add(worker);
        worker.start();
    }

    /** As kubelet does: a container that failed its startup or liveness probe is killed, and its policy decides. */
    private void unhealthy(ContainerRun c, String which, Probe probe) {
        Duration grace = probe.terminationGracePeriodSeconds() != null
                ? Duration.ofSeconds(probe.terminationGracePeriodSeconds()) : pod.grace();
        pod.event("Normal", "Killing", c.name(), "Container " + c.name() + " failed " + which + " probe, will be restarted");
        pod.kill(c, grace);
    }
}
