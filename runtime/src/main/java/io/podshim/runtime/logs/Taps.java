package io.podshim.runtime.logs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who else sees a container run's output as the log pump writes it to the log: the attach sessions
 * of that run. Delivery is on the pump's thread, so a tap must not block: each takes a copy and
 * hands it to its own sender.
 */
public final class Taps {
    /** One attached client's view. */
    @FunctionalInterface
    public interface Tap {
        void bytes(CriLogFile.Stream stream, byte[] data);
    }

    private final List<Tap> taps = new CopyOnWriteArrayList<>();

    public void add(Tap tap) {
        taps.add(tap);
    }

    public void remove(Tap tap) {
        taps.remove(tap);
    }

    void deliver(CriLogFile.Stream stream, byte[] buffer, int length) {
        if (taps.isEmpty()) {
            return;
        }
        byte[] copy = java.util.Arrays.copyOf(buffer, length);
        for (Tap t : taps) {
            t.bytes(stream, copy);
        }
    }
}
