package io.podshim.runtime.container;

import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.PidFd;
import io.podshim.linux.Procfs;
import io.podshim.linux.Shim;
import io.podshim.linux.SyscallException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Signal;

/**
 * A running container: the container's own process (what is signalled, exec'd into and shown) and
 * its shim, the container's parent ({@code shim.c}), whose exit says the container has ended and
 * whose record says how. Who reaps whom: the daemon reaps the shims it spawned; a shim reaps its
 * container; after a daemon restart, init reaps the adopted shims and the daemon reads their records.
 */
public final class ContainerProcess implements AutoCloseable {
    private final ChildProcess shimChild;
    private final PidFd shim;
    /** Null once adopted if the container had already ended: its shim is about to. */
    private final PidFd container;
    private final int pid;
    private final long shimStartTime;
    private final long containerStartTime;
    private final Path exitDir;
    private final List<Integer> keptFds;
    /** For an adopted container: what was taken back from its shim, until {@link #takeKept} hands it on. */
    private List<Fd> taken = List.of();
    private ExitStatus ended;

    private ContainerProcess(ChildProcess shimChild, PidFd shim, PidFd container, int pid, long containerStartTime,
                             Path exitDir, List<Integer> keptFds) {
        this.shimChild = shimChild;
        this.shim = shim;
        this.container = container;
        this.pid = pid;
        this.shimStartTime = Procfs.startTime(shim.pid()).orElse(0);
        this.containerStartTime = containerStartTime;
        this.exitDir = exitDir;
        this.keptFds = List.copyOf(keptFds);
    }

    /** A container this daemon launched: it is the parent of the shim. */
    static ContainerProcess launched(ChildProcess shim, PidFd container, Path exitDir, List<Integer> keptFds) {
        return new ContainerProcess(shim, shim.pidFd(), container, container.pid(),
                Procfs.startTime(container.pid()).orElse(0), exitDir, keptFds);
    }

    /**
     * A container an earlier daemon launched, found again by its shim's and its own pid and start
     * time (a pid alone may have been reused). Empty if the shim is gone: the container has ended,
     * and {@link Shim#record} says how if the shim could write it.
     */
    public static Optional<ContainerProcess> adopt(Saved saved) {
        PidFd shim = openIfSame(saved.shimPid(), saved.shimStartTime());
        if (shim == null) {
            return Optional.empty();
        }
        // Taken now, while the shim is known to live: once it has exited, its descriptors are gone.
        List<Fd> taken = new java.util.ArrayList<>();
        try {
            for (int number : saved.keptFds()) {
                taken.add(shim.takeFd(number));
            }
        } catch (SyscallException e) {
            taken.forEach(Fd::close);
            shim.close();
            return Optional.empty(); // it has just exited
        }
        PidFd container = openIfSame(saved.pid(), saved.startTime());
        ContainerProcess adopted = new ContainerProcess(null, shim, container, saved.pid(), saved.startTime(),
                saved.exitDir(), saved.keptFds());
        adopted.taken = taken;
        return Optional.of(adopted);
    }

    private static PidFd openIfSame(int pid, long startTime) {
        if (pid <= 0) {
            return null;
        }
        PidFd fd;
        try {
            fd = PidFd.open(pid);
        } catch (SyscallException e) {
            return null;
        }
        // Checked after the open: if the start time still matches, the pidfd is of that very process.
        // A zombie has ended: its parent (init, for a shim whose daemon died) has not reaped it yet.
        OptionalLong now = Procfs.startTime(pid);
        if (now.isEmpty() || now.getAsLong() != startTime || Procfs.state(pid).map(st -> st.startsWith("Z")).orElse(true)) {
            fd.close();
            return null;
        }
        return fd;
    }

    /** What a restarted daemon needs to find this container again ({@link #adopt}). */
    public record Saved(int pid, long startTime, int shimPid, long shimStartTime, Path exitDir, List<Integer> keptFds) {}

    public Saved saved() {
        return new Saved(pid, containerStartTime, shim.pid(), shimStartTime, exitDir, keptFds);
    }

    /** The container's pid, as the host sees it. */
    public int pid() {
        return pid;
    }

    /**
     * A pidfd of the container itself, owned by this object (valid until {@link #close}); empty if
     * an adopted container had already ended.
     */
    public Optional<PidFd> container() {
        return Optional.ofNullable(container);
    }

    /** Readable once the shim has exited, that is once the container has ended and its record is written. */
    public Fd exitFd() {
        return shim.fd();
    }

    /**
     * An adopted container's copies of the descriptors its shim keeps (the log pipes' read ends), in
     * the order they were given at launch; the caller owns them. Empty for a launched container.
     */
    public List<Fd> takeKept() {
        List<Fd> handed = taken;
        taken = List.of();
        return handed;
    }

    /** Sends {@code signal} to the container (never to its shim); an ended container is not an error. */
    public void signal(Signal signal) {
        if (container == null) {
            return;
        }
        try {
            container.sendSignal(signal);
        } catch (SyscallException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e;
            }
        }
    }

    /**
     * Once {@link #exitFd} is readable (or to block until then, for a launched container): how the
     * container ended, from its shim's record; empty if the shim ended without one (killed).
     */
    public Optional<Shim.ExitRecord> awaitRecord() {
        if (shimChild != null) {
            shimChild.waitFor();
        } else {
            shim.awaitExit(java.time.Duration.ofDays(3650));
        }
        return Shim.record(exitDir);
    }

    /** {@link #awaitRecord}'s status; an ended shim without a record reports its own (SIGKILL). */
    public synchronized ExitStatus waitFor() {
        if (ended == null) {
            ended = awaitRecord().map(Shim.ExitRecord::status).orElseGet(() -> shimChild != null ? shimChild.waitFor()
                    : ExitStatus.killed(Signal.SIGKILL.intValue(), false));
        }
        return ended;
    }

    /** SIGKILL the container (if it still runs) and wait for its shim. */
    public ExitStatus kill() {
        synchronized (this) {
            if (ended != null) {
                return ended;
            }
        }
        signal(Signal.SIGKILL);
        return waitFor();
    }

    @Override
    public void close() {
        taken.forEach(Fd::close);
        try {
            if (container != null) {
                container.close();
            }
        } finally {
            shim.close();
        }
    }

    @Override
    public String toString() {
        return "container " + pid() + " (shim " + shim.pid() + ")";
    }
}
