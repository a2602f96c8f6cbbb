package io.podshim.runtime.pod;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A pod's events, as describe lists them: a repeat counted rather than added again, the oldest dropped past a limit. */
final class PodEvents {
    /** At most this many events are kept, the oldest dropped first (Kubernetes lets events expire). */
    private static final int MAX_EVENTS = 500;
    /** How far back a repeat of an event is looked for, to count it rather than add it again. */
    private static final int REPEAT_WINDOW = 10;

    private final List<PodEvent> events = new ArrayList<>();

    void add(String type, String why, String object, String message) {
        PodEvent now = new PodEvent(Instant.now(), type, why, object, message);
        for (int i = events.size() - 1; i >= Math.max(0, events.size() - REPEAT_WINDOW); i--) {
            PodEvent earlier = events.get(i);
            if (earlier.sameAs(now)) {
                events.remove(i);
                now = new PodEvent(now.time(), type, why, object, message, earlier.count() + 1);
                break;
            }
        }
        events.add(now);
        if (events.size() > MAX_EVENTS) {
            events.remove(0);
        }
    }

    void restore(List<PodEvent> saved) {
        events.addAll(saved);
    }

    List<PodEvent> list() {
        return List.copyOf(events);
    }
}
