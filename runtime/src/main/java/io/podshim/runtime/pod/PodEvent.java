package io.podshim.runtime.pod;

import java.time.Instant;

/**
 * Something that happened to a pod, as {@code kubectl describe} lists it (Normal or Warning). The
 * same event again (a probe failing every period) is counted, not repeated: {@code time} is the
 * latest, {@code count} how many times it happened.
 */
public record PodEvent(Instant time, String type, String reason, String object, String message, int count) {
    public PodEvent {
        count = Math.max(1, count); // records saved before counting existed
    }

    public PodEvent(Instant time, String type, String reason, String object, String message) {
        this(time, type, reason, object, message, 1);
    }

    boolean sameAs(PodEvent other) {
        return type.equals(other.type) && reason.equals(other.reason) && object.equals(other.object)
                && message.equals(other.message);
    }
}
