package io.podshim.linux;

import java.time.Duration;
import java.util.Optional;
import jnr.constants.platform.Signal;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A process this JVM spawned and must reap: its pid and a pidfd. Waiting uses waitid(P_PIDFD) for
 * exactly this process, never waitpid(-1), which would steal exit statuses from the JDK's own
 * process reaper (KERNEL-NOTES #7). The owner calls {@link #waitFor()} (or {@link #kill()});
 * {@link #close()} only releases the pidfd.
 */
public final class ChildProcess implements AutoCloseable {
    private static final int P_PIDFD = 3;
    private static final int WNOHANG = 1;
    private static final int WEXITED = 4;
    private static final int CLD_EXITED = 1;
    private static final int CLD_KILLED = 2;
    private static final int CLD_DUMPED = 3;
    private static final int SIGINFO_SIZE = 128;

    private final PidFd pidFd;
    private ExitStatus exitStatus;

    ChildProcess(PidFd pidFd) {
        this.pidFd = pidFd;
    }

    /** The pid as the host (the daemon's pid namespace) sees it. */
    public int pid() {
        return pidFd.pid();
    }

    public PidFd pidFd() {
        return pidFd;
    }

    /** Blocks until the process exits, reaps it and returns how it ended. */
    public synchronized ExitStatus waitFor() {
        if (exitStatus == null) {
            exitStatus = reap(0).orElseThrow();
        }
        return exitStatus;
    }

    /** Waits at most {@code timeout}; empty if the process is still running then. */
    public synchronized Optional<ExitStatus> waitFor(Duration timeout) {
        if (exitStatus == null && pidFd.awaitExit(timeout)) {
            exitStatus = reap(WNOHANG).orElse(null);
        }
        return Optional.ofNullable(exitStatus);
    }

    /** The exit status if the process has already ended; never blocks. */
    public synchronized Optional<ExitStatus> exitStatus() {
        if (exitStatus == null) {
            exitStatus = reap(WNOHANG).orElse(null);
        }
        return Optional.ofNullable(exitStatus);
    }

    public void signal(Signal signal) {
        pidFd.sendSignal(signal);
    }

    /** SIGKILL (if still running) and reap. */
    public ExitStatus kill() {
        synchronized (this) {
            if (exitStatus != null) {
                return exitStatus;
            }
        }
        try {
            signal(Signal.SIGKILL);
        } catch (SyscallException e) {
            // ESRCH: it has already exited and waits to be reaped.
            if (e.errno() != jnr.constants.platform.Errno.ESRCH) {
                throw e;
            }
        }
        return waitFor();
    }

    private Optional<ExitStatus> reap(int extraOptions) {
        Pointer info = Memory.allocate(Kernel.runtime(), SIGINFO_SIZE);
        int raw = pidFd.fd().value();
        int options = WEXITED | extraOptions;
        Kernel.check("waitid", "P_PIDFD, pidfd:" + pid() + ", WEXITED" + ((extraOptions & WNOHANG) != 0 ? "|WNOHANG" : ""),
                () -> Kernel.libc().waitid(P_PIDFD, raw, info, options));
        // With WNOHANG and nothing to report, waitid returns 0 and leaves si_pid zero.
        if (info.getInt(16) == 0) {
            return Optional.empty();
        }
        int code = info.getInt(8);
        int status = info.getInt(24);
        return Optional.of(switch (code) {
            case CLD_EXITED -> ExitStatus.exited(status);
            case CLD_KILLED -> ExitStatus.killed(status, false);
            case CLD_DUMPED -> ExitStatus.killed(status, true);
            default -> throw new IllegalStateException("waitid(pidfd:" + pid() + ") reported si_code " + code);
        });
    }

    @Override
    public void close() {
        pidFd.close();
    }

    @Override
    public String toString() {
        return "process " + pid();
    }
}
