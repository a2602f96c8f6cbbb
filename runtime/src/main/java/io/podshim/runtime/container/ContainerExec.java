package io.podshim.runtime.container;

import io.podshim.cgroups.CgroupGate;
import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExecStage;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.Namespace;
import io.podshim.linux.NamespacePlan;
import io.podshim.linux.NamespaceThread;
import io.podshim.linux.PidFd;
import io.podshim.linux.Pipe;
import io.podshim.linux.Poll;
import io.podshim.linux.StartFailure;
import io.podshim.linux.Stdio;
import io.podshim.linux.SyscallException;
import io.podshim.runtime.PodException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import jnr.constants.platform.Errno;

/**
 * Runs a command inside a running container, as {@code kubectl exec} does: in the container's own
 * namespaces (its mount namespace too, whose root is the container's root filesystem, joined by
 * pidfd), in its cgroup (through the gate, before the command runs), with its user, capabilities,
 * environment and working directory. Not interactive: the standard input is given whole (as
 * {@code kubectl exec -i} with piped input), stdout and stderr are collected (up to
 * {@value #MAX_OUTPUT} bytes each) and returned with the exit code.
 */
public final class ContainerExec {
    static final int MAX_OUTPUT = 16 * 1024 * 1024;

    /** What the command printed and how it ended; a command that could not start exits 126 or 127 as in a shell. */
    public record Result(int exitCode, String stdout, String stderr) {}

    private ContainerExec() {}

    /** @param container a pidfd of the running container's process, owned by the caller */
    public static Result run(Path execStage, PidFd container, LaunchPlan plan, List<String> argv) {
        return run(execStage, container, plan, argv, null);
    }

    /** @param stdin the command's standard input, or null for /dev/null */
    public static Result run(Path execStage, PidFd container, LaunchPlan plan, List<String> argv, byte[] stdin) {
        return run(execStage, container, plan, argv, stdin, null);
    }

    /** A command that ran longer than it was allowed: it was killed (SIGKILL). */
    public static final class TimedOut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimedOut(String message) {
            super(message);
        }
    }

    /**
     * As {@link #run(Path, PidFd, LaunchPlan, List, byte[])}, the command killed once {@code timeout}
     * has passed (null: never), which is then {@link TimedOut}: CRI's ExecSync timeout.
     */
    public static Result run(Path execStage, PidFd container, LaunchPlan plan, List<String> argv, byte[] stdin,
                             java.time.Duration timeout) {
        try (Pipe out = Pipe.open(); Pipe err = Pipe.open(); Pipe in = Pipe.open();
             Started started = start(execStage, container, plan, argv, stdin == null ? Stdio.devNull() : Stdio.of(in.readEnd()),
                     Stdio.of(out.writeEnd()), Stdio.of(err.writeEnd()))) {
            out.writeEnd().close();
            err.writeEnd().close();
            in.readEnd().close();
            Optional<StartFailure> failure = ExecStage.awaitStart(started.status(), argv.get(0));
            // Fed from a thread of its own: a command may write before it reads, or never read at all.
            Thread feeder = new Thread(() -> {
                try {
                    if (stdin != null && failure.isEmpty()) {
                        in.writeEnd().write(stdin);
                    }
                } catch (SyscallException gone) {
                    // EPIPE: the command ended or closed its stdin without reading it all, as a shell allows
                } finally {
                    in.writeEnd().close();
                }
            }, "exec-stdin");
            feeder.start();
            java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
            if (timeout != null && failure.isEmpty()) {
                java.util.concurrent.CompletableFuture.runAsync(() -> {
                    synchronized (done) {
                        if (!done.isDone()) {
                            killed.set(true);
                            started.child().signal(jnr.constants.platform.Signal.SIGKILL); // a pidfd: never another process
                        }
                    }
                }, java.util.concurrent.CompletableFuture.delayedExecutor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
            }
            List<ByteArrayOutputStream> collected = drain(List.of(out.readEnd(), err.readEnd()));
            ExitStatus exit = started.child().waitFor();
            synchronized (done) {
                done.complete(null);
            }
            joinQuietly(feeder);
            if (killed.get()) {
                throw new TimedOut("command " + argv.get(0) + " in " + plan.describe() + " timed out after "
                        + timeout.toMillis() / 1000.0 + " s and was killed");
            }
            if (failure.isPresent()) {
                return new Result(exitCode(failure.get()), "", failure.get().message() + "\n");
            }
            return new Result(exit.code(), collected.get(0).toString(StandardCharsets.UTF_8),
                    collected.get(1).toString(StandardCharsets.UTF_8));
        } catch (SyscallException e) {
            throw new PodException("exec in " + plan.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts {@code argv} in the container with its streams open to the caller ({@link ExecSession}):
     * with {@code terminal}, a pseudo-terminal of the container's own devpts as its standard input,
     * output and error and its controlling terminal, sized {@code columns} x {@code rows} before it
     * runs; without, a pipe per stream ({@code stdin} false: /dev/null). Returns once it is started
     * or has failed to start ({@link ExecSession#awaitStart} says which).
     */
    public static ExecSession session(Path execStage, PidFd container, LaunchPlan plan, List<String> argv, boolean stdin,
                                      boolean terminal, int columns, int rows) {
        try {
            if (terminal) {
                io.podshim.linux.Pty pty = io.podshim.linux.Pty.openIn(container.pid());
                try {
                    pty.resize(columns > 0 ? columns : 80, rows > 0 ? rows : 24);
                    Stdio tty = Stdio.of(pty.slave());
                    Started started = start(execStage, container, plan, argv, tty, tty, tty, true);
                    pty.slave().close(); // the command's now: the master sees EIO once the command lets go of it
                    return new ExecSession(started, argv.get(0), pty, null, null, null);
                } catch (RuntimeException e) {
                    pty.close();
                    throw e;
                }
            }
            Pipe in = stdin ? Pipe.open() : null;
            Pipe out = Pipe.open();
            Pipe err = Pipe.open();
            try {
                Started started = start(execStage, container, plan, argv, in == null ? Stdio.devNull() : Stdio.of(in.readEnd()),
                        Stdio.of(out.writeEnd()), Stdio.of(err.writeEnd()), false);
                if (in != null) {
                    in.readEnd().close();
                }
                out.writeEnd().close();
                err.writeEnd().close();
                return new ExecSession(started, argv.get(0), null, in, out, err);
            } catch (RuntimeException e) {
                for (Pipe p : new Pipe[] {in, out, err}) {
                    if (p != null) {
                        p.close();
                    }
                }
                throw e;
            }
        } catch (SyscallException e) {
            throw new PodException("exec in " + plan.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A command started in a container: the process, which the owner must reap, and the read end of
     * its exec stage's status pipe (end of file once the command runs, a {@link StartFailure} if it
     * could not start; see {@link ExecStage#awaitStart}).
     */
    public record Started(ChildProcess child, Fd status) implements AutoCloseable {
        @Override
        public void close() {
            try {
                child.close();
            } finally {
                status.close();
            }
        }
    }

    /**
     * Starts {@code argv} in the container, in its cgroup, and returns at once: nothing here waits
     * for the command, so probes and hooks on the supervisor thread can start one and poll for its end.
     */
    public static Started start(Path execStage, PidFd container, LaunchPlan plan, List<String> argv, Stdio stdin, Stdio stdout,
                                Stdio stderr) {
        return start(execStage, container, plan, argv, stdin, stdout, stderr, false);
    }

    private static Started start(Path execStage, PidFd container, LaunchPlan plan, List<String> argv, Stdio stdin, Stdio stdout,
                                 Stdio stderr, boolean terminal) {
        if (argv.isEmpty()) {
            throw PodException.invalid("exec: give a command to run in " + plan.describe());
        }
        // The mount namespace is joined by the exec stage itself: a JVM thread that joined it would look
        // for the exec stage inside the container's root (KERNEL-NOTES #23). The cgroup namespace is the
        // container's own on cgroup v2 (the host's on v1), so the command sees its cgroup as the container does.
        NamespacePlan namespaces = NamespacePlan.named("exec-" + plan.containerName())
                .join(container, EnumSet.of(Namespace.NET, Namespace.IPC, Namespace.UTS, Namespace.PID, Namespace.CGROUP)).build();
        try (CgroupGate gate = new CgroupGate(); Pipe status = Pipe.open();
             Fd mnt = Fd.open(Namespace.MNT.procPath(container.pid()).toString(), Fd.O_RDONLY)) {
            ExecStage.Request request = new ExecStage.Request(gate.childEnd(), status.writeEnd(), null, null, List.of(), List.of(),
                    plan.workingDir(), plan.capabilities(), plan.uid(), plan.gid(), plan.supplementalGroups(),
                    plan.noNewPrivileges(), argv, terminal ? withTerm(plan.env()) : plan.env(), stdin, stdout, stderr, mnt);
            if (terminal) {
                request = request.withControllingTerminal();
            }
            ChildProcess child = NamespaceThread.spawn(namespaces, ExecStage.spec(execStage, request));
            try {
                status.writeEnd().close();
                gate.release(plan.cgroups(), plan.cgroup(), child.pid());
                return new Started(child, status.readEnd().dupAtLeast(0));
            } catch (RuntimeException e) {
                child.kill();
                child.close();
                throw e;
            }
        } catch (SyscallException e) {
            throw new PodException("exec in " + plan.describe() + ": " + e.getMessage(), e);
        }
    }

    /** With a terminal, TERM=xterm unless the container sets TERM, as containerd and CRI-O give it. */
    static List<String> withTerm(List<String> env) {
        if (env.stream().anyMatch(e -> e.startsWith("TERM="))) {
            return env;
        }
        List<String> more = new ArrayList<>(env);
        more.add("TERM=xterm");
        return more;
    }

    /** As a shell reports a command it could not run: 127 not found, 126 not executable, else 128. */
    public static int exitCode(StartFailure failure) {
        return failure.errno() == Errno.ENOENT ? 127 : failure.errno() == Errno.EACCES ? 126 : 128;
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads every pipe to its end at once (poll), so a command filling one pipe never blocks on the other. */
    private static List<ByteArrayOutputStream> drain(List<Fd> pipes) {
        List<ByteArrayOutputStream> data = new ArrayList<>();
        pipes.forEach(p -> data.add(new ByteArrayOutputStream()));
        List<Fd> open = new ArrayList<>(pipes);
        byte[] buffer = new byte[64 * 1024];
        while (!open.isEmpty()) {
            short[] revents = Poll.readable(open, -1);
            List<Fd> ended = new ArrayList<>();
            for (int i = 0; i < open.size(); i++) {
                if (revents[i] == 0) {
                    continue;
                }
                int n = open.get(i).read(buffer);
                ByteArrayOutputStream sink = data.get(pipes.indexOf(open.get(i)));
                if (n <= 0) {
                    ended.add(open.get(i));
                } else if (sink.size() < MAX_OUTPUT) {
                    sink.write(buffer, 0, Math.min(n, MAX_OUTPUT - sink.size()));
                }
            }
            open.removeAll(ended);
        }
        return data;
    }
}
