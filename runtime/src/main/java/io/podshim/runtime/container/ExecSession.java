package io.podshim.runtime.container;

import io.podshim.linux.ExecStage;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.Pipe;
import io.podshim.linux.Pty;
import io.podshim.linux.StartFailure;
import java.util.Optional;

/**
 * A command running in a container with its streams open to whoever started it, as
 * {@code kubectl exec -i}/{@code -t} has them: with a terminal, the master of a pseudo-terminal of
 * the container's devpts (what is written there is typed, what the command prints is read there,
 * standard error included, as with any terminal); without one, a pipe for each stream. The owner
 * moves the bytes (a stream framing: WebSocket channels) and closes the session when done.
 */
public final class ExecSession implements AutoCloseable {
    private final ContainerExec.Started started;
    private final String program;
    private final Pty pty;
    private final Pipe stdin;
    private final Pipe stdout;
    private final Pipe stderr;

    ExecSession(ContainerExec.Started started, String program, Pty pty, Pipe stdin, Pipe stdout, Pipe stderr) {
        this.started = started;
        this.program = program;
        this.pty = pty;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public boolean terminal() {
        return pty != null;
    }

    /** Where the command's standard input is written: the terminal, or its pipe (null if it has none). */
    public Fd stdin() {
        return pty != null ? pty.master() : stdin == null ? null : stdin.writeEnd();
    }

    /** Where its output is read: the terminal (read fails with EIO once the command and its children have let go of it), or its pipe. */
    public Fd stdout() {
        return pty != null ? pty.master() : stdout.readEnd();
    }

    /** Its standard error's pipe; null with a terminal, which carries it with the output. */
    public Fd stderr() {
        return stderr == null ? null : stderr.readEnd();
    }

    /** Ends the command's standard input (end of file for it); with a terminal there is no such thing, as in kubectl. */
    public void closeStdin() {
        if (pty == null && stdin != null) {
            stdin.writeEnd().close();
        }
    }

    /** Sets the terminal's size (the command gets SIGWINCH); nothing without a terminal. */
    public void resize(int columns, int rows) {
        if (pty != null && columns > 0 && rows > 0) {
            pty.resize(columns, rows);
        }
    }

    /** Sends {@code signal} to the command (not to what it started, as a terminal's hang-up would). */
    public void signal(jnr.constants.platform.Signal signal) {
        started.child().signal(signal);
    }

    /** Empty once the command runs; why it could not start otherwise. Blocks until one or the other. */
    public Optional<StartFailure> awaitStart() {
        return ExecStage.awaitStart(started.status(), program);
    }

    /** Blocks until the command has ended, and reaps it. */
    public ExitStatus waitFor() {
        return started.child().waitFor();
    }

    /** The exit code a shell would give: the command's, 126/127 for one that could not start, 128+N for a signal. */
    public static int exitCode(ExitStatus status, Optional<StartFailure> failure) {
        return failure.map(ContainerExec::exitCode).orElse(status.code());
    }

    /** Kills the command if it still runs, and closes every descriptor. */
    @Override
    public void close() {
        try {
            started.child().kill();
        } finally {
            started.close();
            if (pty != null) {
                pty.close();
            }
            for (Pipe p : new Pipe[] {stdin, stdout, stderr}) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }
}
