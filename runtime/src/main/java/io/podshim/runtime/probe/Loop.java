package io.podshim.runtime.probe;

import io.podshim.linux.Fd;
import java.time.Duration;

/**
 * The one thread that runs every probe and hook, with its poll loop and timers: the pod supervisor.
 * Nothing here blocks it; a probe is a few descriptors in its poll set and a timer, not a thread.
 * All methods are called on that thread, and every action runs there.
 */
public interface Loop {
    /** Runs {@code action} once when {@code fd} turns readable (or hangs up, or fails). */
    void whenReadable(Fd fd, Runnable action);

    /** Runs {@code action} once when {@code fd} turns writable (or hangs up, or fails). */
    void whenWritable(Fd fd, Runnable action);

    /** Drops what waits on {@code fd}: call before closing it. */
    void forget(Fd fd);

    /** Runs {@code action} after {@code delay}. */
    void after(Duration delay, Runnable action);
}
