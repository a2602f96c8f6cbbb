package io.podshim.runtime.pod;

import java.time.Duration;

/**
 * Kubernetes' restart back-off (CrashLoopBackOff): 10 s, doubling, capped at 300 s, forgotten after
 * 10 minutes of clean running. Configurable so that tests and labs need not wait.
 */
public record BackoffPolicy(Duration initial, Duration max, Duration resetAfter) {
    public static final BackoffPolicy KUBERNETES = new BackoffPolicy(Duration.ofSeconds(10), Duration.ofSeconds(300),
            Duration.ofMinutes(10));

    /** The wait before restart number {@code restarts + 1} after {@code restarts} back-to-back restarts. */
    public Duration delay(int restarts) {
        Duration delay = initial;
        for (int i = 0; i < restarts && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
