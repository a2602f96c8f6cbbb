package io.podshim.runtime.probe;

import java.time.Duration;

/**
 * One probe of one container run, as kubelet's prober runs it: the first attempt after
 * initialDelaySeconds, then one every periodSeconds (a period whose attempt is still running is
 * skipped), each failing after timeoutSeconds. The result turns to success after successThreshold
 * successes in a row and to failure after failureThreshold failures in a row; it starts as kubelet's
 * does: liveness healthy, readiness not ready, startup unknown. A worker is a timer in the loop, and
 * while an attempt runs, a few descriptors; never a thread.
 */
public final class ProbeWorker {
    public enum Kind {
        STARTUP("Startup"), LIVENESS("Liveness"), READINESS("Readiness");

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        /** "Liveness", as kubelet's events name the probe. */
        public String title() {
            return title;
        }
    }

    /** What the pod learns from a worker; called on the loop thread. */
    public interface Listener {
        /** An attempt failed; events say why, each time. */
        void attemptFailed(ProbeWorker worker, Outcome outcome);

        /** The result turned: to success after successThreshold successes, to failure after failureThreshold failures. */
        void resultChanged(ProbeWorker worker, boolean success);
    }

    private final Kind kind;
    private final Probe probe;
    private final Target target;
    private final Loop loop;
    private final Listener listener;
    private Boolean result;
    private int successes;
    private int failures;
    private Attempt current;
    private boolean stopped;

    public ProbeWorker(Kind kind, Probe probe, Target target, Loop loop, Listener listener) {
        this.kind = kind;
        this.probe = probe;
        this.target = target;
        this.loop = loop;
        this.listener = listener;
        this.result = kind == Kind.LIVENESS ? Boolean.TRUE : kind == Kind.READINESS ? Boolean.FALSE : null;
    }

    public Kind kind() {
        return kind;
    }

    public Probe probe() {
        return probe;
    }

    public void start() {
        loop.after(Duration.ofSeconds(probe.initialDelaySeconds()), this::tick);
    }

    /** Ends the worker: no more attempts, and the one running is cancelled. Idempotent. */
    public void stop() {
        stopped = true;
        if (current != null) {
            current.cancel();
            current = null;
        }
    }

    private void tick() {
        if (stopped) {
            return;
        }
        loop.after(Duration.ofSeconds(probe.periodSeconds()), this::tick);
        if (current == null) {
            current = Attempt.start(probe.action(), target, Duration.ofSeconds(probe.timeoutSeconds()), loop, this::done);
        }
    }

    private void done(Outcome outcome) {
        current = null;
        if (stopped) {
            return;
        }
        if (outcome.success()) {
            failures = 0;
            successes++;
            if (successes >= probe.successThreshold() && !Boolean.TRUE.equals(result)) {
                result = true;
                listener.resultChanged(this, true);
            }
            return;
        }
        successes = 0;
        failures++;
        listener.attemptFailed(this, outcome);
        if (failures >= probe.failureThreshold() && !Boolean.FALSE.equals(result)) {
            result = false;
            listener.resultChanged(this, false);
        }
    }
}
