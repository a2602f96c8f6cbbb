package io.podshim.runtime.probe;

import java.time.Duration;
import java.util.function.Consumer;

/** A {@code sleep} hook: a timer, cut off like any attempt when its timeout comes first. */
final class SleepAttempt extends Attempt {
    private final Action.Sleep sleep;

    SleepAttempt(Action.Sleep sleep, Loop loop, Consumer<Outcome> done) {
        super(loop, done);
        this.sleep = sleep;
    }

    @Override
    void begin() {
        loop.after(Duration.ofSeconds(sleep.seconds()), () -> finish(Outcome.ok("slept " + sleep.seconds() + "s")));
    }

    @Override
    String timedOut(Duration timeout) {
        return "sleep " + sleep.seconds() + "s cut off after " + seconds(timeout);
    }

    @Override
    void release() {}
}
