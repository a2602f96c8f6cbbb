package io.podshim.testing;

import java.time.Duration;

/**
 * How long a test waits for an event before it gives up. The figure a test states is for a real
 * machine; {@code PODSHIM_TEST_PATIENCE=N} multiplies it where everything runs N times slower, as in
 * the cgroup v2 VM rung under emulation (vm/run.sh sets it). It bounds a wait, never paces one.
 */
public final class Patience {
    static final String FACTOR = "PODSHIM_TEST_PATIENCE";

    private Patience() {}

    public static Duration of(Duration onARealMachine) {
        String factor = System.getenv(FACTOR);
        if (factor == null || factor.isBlank()) {
            return onARealMachine;
        }
        try {
            return onARealMachine.multipliedBy(Math.max(1, Long.parseLong(factor.trim())));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(FACTOR + " must be a whole number, not \"" + factor + "\"", e);
        }
    }
}
