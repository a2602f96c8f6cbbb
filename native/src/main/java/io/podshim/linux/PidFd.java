package io.podshim.linux;

import java.time.Duration;
import jnr.constants.platform.Signal;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A pidfd (pidfd_open(2)): a handle on one process that stays valid if the pid is reused, becomes
 * readable when the process exits, and can be signalled without racing against pid reuse.
 */
public final class PidFd implements AutoCloseable {
    private static final short POLLIN = 1;

    private final Fd fd;
    private final int pid;

    private PidFd(Fd fd, int pid) {
        this.fd = fd;
        this.pid = pid;
    }

    public static PidFd open(int pid) {
        long raw = Kernel.checkLong("pidfd_open", pid,
                () -> Kernel.libc().syscall(SyscallNumbers.PIDFD_OPEN, pid, 0, 0, 0));
        return new PidFd(Fd.adopt((int) raw), pid);
    }

    public int pid() {
        return pid;
    }

    /** The descriptor itself, to poll(2) many processes at once ({@link Poll}); it turns readable at exit. */
    public Fd fd() {
        return fd;
    }

    /** pidfd_send_signal(2): ESRCH once the process has been reaped, never a stranger's pid. */
    public void sendSignal(Signal signal) {
        int raw = fd.value();
        Kernel.checkLong("pidfd_send_signal", "pidfd:" + pid + ", " + signal.name(),
                () -> Kernel.libc().syscall(SyscallNumbers.PIDFD_SEND_SIGNAL, raw, signal.intValue(), 0, 0));
    }

    /**
     * pidfd_getfd(2): a duplicate of the process's descriptor {@code targetFd} (the same open file
     * description, close-on-exec), as a restarted daemon takes back the log pipes its shims hold.
     */
    public Fd takeFd(int targetFd) {
        int raw = fd.value();
        long got = Kernel.checkLong("pidfd_getfd", "pidfd:" + pid + ", " + targetFd,
                () -> Kernel.libc().syscall(SyscallNumbers.PIDFD_GETFD, raw, targetFd, 0, 0));
        return Fd.adopt((int) got);
    }

    /** Waits until the process has exited (it may still be a zombie) or the timeout passes. */
    public boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pointer pollfd = Memory.allocate(Kernel.runtime(), 8);
        while (true) {
            long left = Math.max(0, deadline - System.nanoTime());
            int millis = (int) Math.min(Integer.MAX_VALUE, Duration.ofNanos(left).toMillis());
            pollfd.putInt(0, fd.value());
            pollfd.putShort(4, POLLIN);
            pollfd.putShort(6, (short) 0);
            int ready = Kernel.check("poll", "pidfd:" + pid + ", POLLIN, " + millis + "ms",
                    () -> Kernel.libc().poll(pollfd, 1, millis));
            if (ready > 0) {
                return true;
            }
            if (left == 0) {
                return false;
            }
        }
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "pidfd:" + pid;
    }
}
