package io.podshim.runtime.probe;

import io.podshim.linux.SyscallException;
import io.podshim.runtime.PodException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One run of an {@link Action} against a container, driven by the {@link Loop}: it holds a few
 * descriptors in the loop's poll set and a timer, never a thread. Its {@link Outcome} is delivered
 * once, on the loop thread and never from within {@link #start}, unless it is cancelled first
 * (the container stopped); either way everything it opened is released.
 */
public abstract class Attempt {
    /** Kubelet reads at most this much of a probe's output or a response. */
    static final int MAX_OUTPUT = 10 * 1024;

    final Loop loop;
    private final Consumer<Outcome> done;
    private boolean starting = true;
    private boolean over;

    Attempt(Loop loop, Consumer<Outcome> done) {
        this.loop = loop;
        this.done = done;
    }

    /**
     * Starts {@code action} on {@code target}; it fails if it has not ended within {@code timeout}
     * (null: it may take as long as it takes, as a postStart hook does).
     */
    public static Attempt start(Action action, Target target, Duration timeout, Loop loop, Consumer<Outcome> done) {
        Attempt attempt;
        if (action instanceof Action.Exec exec) {
            attempt = new ExecAttempt(exec, target, loop, done);
        } else if (action instanceof Action.HttpGet get) {
            attempt = new NetAttempt(get.host(), get.port(), get, target, loop, done);
        } else if (action instanceof Action.TcpSocket tcp) {
            attempt = new NetAttempt(tcp.host(), tcp.port(), null, target, loop, done);
        } else {
            attempt = new SleepAttempt((Action.Sleep) action, loop, done);
        }
        try {
            attempt.begin();
        } catch (PodException | SyscallException e) {
            attempt.finish(Outcome.failed(e.getMessage()));
        }
        if (timeout != null) {
            loop.after(timeout, () -> attempt.finish(Outcome.failed(attempt.timedOut(timeout))));
        }
        attempt.starting = false;
        return attempt;
    }

    /** Opens what the attempt needs and registers with the loop. */
    abstract void begin();

    /** What a timeout of this kind of attempt reads like. */
    abstract String timedOut(Duration timeout);

    /** Closes what is open; a process started is killed, and reaped later. Called once. */
    abstract void release();

    final boolean over() {
        return over;
    }

    /** Ends the attempt with {@code outcome} (once; later calls are ignored), releasing what it holds. */
    final void finish(Outcome outcome) {
        if (over) {
            return;
        }
        over = true;
        release();
        if (starting) {
            loop.after(Duration.ZERO, () -> done.accept(outcome)); // never from within start()
        } else {
            done.accept(outcome);
        }
    }

    /** Ends the attempt without an outcome: the container it was for has stopped. */
    public final void cancel() {
        if (!over) {
            over = true;
            release();
        }
    }

    /** "3s", "1500ms": a duration as events print it. */
    public static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
