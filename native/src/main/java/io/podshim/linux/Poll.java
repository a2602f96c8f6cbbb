package io.podshim.linux;

import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** poll(2) over many descriptors at once, so one thread can serve many pipes. */
public final class Poll {
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;

    private Poll() {}

    /**
     * Waits until one of {@code fds} is readable or hung up, or {@code timeoutMillis} passes (-1:
     * no timeout). Returns the revents of each descriptor, in order (0: nothing happened).
     */
    public static short[] readable(List<Fd> fds, int timeoutMillis) {
        short[] events = new short[fds.size()];
        java.util.Arrays.fill(events, POLLIN);
        return await(fds, events, timeoutMillis);
    }

    /**
     * Waits until one of {@code fds} has one of its {@code events} (POLLIN, POLLOUT; errors and hang-ups
     * always count), or {@code timeoutMillis} passes (-1: no timeout). Returns each descriptor's revents.
     */
    public static short[] await(List<Fd> fds, short[] events, int timeoutMillis) {
        Pointer pollfds = Memory.allocateDirect(Kernel.runtime(), Math.max(1, fds.size()) * 8, true);
        for (int i = 0; i < fds.size(); i++) {
            pollfds.putInt(i * 8L, fds.get(i).value());
            pollfds.putShort(i * 8L + 4, events[i]);
        }
        Kernel.check("poll", fds.size() + " descriptors, " + timeoutMillis + "ms",
                () -> Kernel.libc().poll(pollfds, fds.size(), timeoutMillis));
        short[] revents = new short[fds.size()];
        for (int i = 0; i < fds.size(); i++) {
            revents[i] = pollfds.getShort(i * 8L + 6);
        }
        return revents;
    }
}
