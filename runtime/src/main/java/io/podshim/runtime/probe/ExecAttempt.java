package io.podshim.runtime.probe;

import io.podshim.linux.ExecStage;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.Pipe;
import io.podshim.linux.Poll;
import io.podshim.linux.StartFailure;
import io.podshim.linux.Stdio;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.ContainerExec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An {@code exec} probe or hook: the command runs in the container as {@code kubectl exec} would
 * (namespaces, cgroup, user), its stdout and stderr go to one pipe, and the loop watches the pipe
 * and the process's pidfd. Exit 0 is success. A timed-out or cancelled command is SIGKILLed and
 * reaped at once.
 */
final class ExecAttempt extends Attempt {
    private final Action.Exec exec;
    private final Target target;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[4096];
    private ContainerExec.Started started;
    private Fd pipe;
    private boolean reaped;

    ExecAttempt(Action.Exec exec, Target target, Loop loop, Consumer<Outcome> done) {
        super(loop, done);
        this.exec = exec;
        this.target = target;
    }

    @Override
    void begin() {
        if (target.container() == null) {
            throw PodException.conflict(null, "the container has ended: nothing to exec " + exec.command() + " in");
        }
        try (Pipe out = Pipe.open()) {
            started = ContainerExec.start(target.execStage(), target.container(), target.plan(), exec.command(), Stdio.devNull(),
                    Stdio.of(out.writeEnd()), Stdio.of(out.writeEnd()));
            pipe = out.readEnd().dupAtLeast(0);
        }
        loop.whenReadable(pipe, this::read);
        loop.whenReadable(started.child().pidFd().fd(), this::exited);
    }

    /** The pipe is readable: take what is there (keeping the first {@value MAX_OUTPUT} bytes) and wait for more. */
    private void read() {
        if (takeOutput()) {
            loop.whenReadable(pipe, this::read);
        }
    }

    /** Reads once; false at end of file. */
    private boolean takeOutput() {
        int n = pipe.read(buffer);
        if (n > 0 && output.size() < MAX_OUTPUT) {
            output.write(buffer, 0, Math.min(n, MAX_OUTPUT - output.size()));
        }
        return n > 0;
    }

    private void exited() {
        ExitStatus status = started.child().exitStatus().orElseThrow();
        reaped = true;
        // What the command wrote before it ended is in the pipe already; a child it left behind may
        // hold the pipe open, so read only what is there now.
        while (pipe.isOpen() && Poll.readable(List.of(pipe), 0)[0] != 0 && takeOutput()) {
            // keep reading
        }
        Optional<StartFailure> failure = ExecStage.awaitStart(started.status(), exec.command().get(0));
        String text = output.toString(StandardCharsets.UTF_8).strip();
        if (failure.isPresent()) {
            finish(Outcome.failed("exec " + exec.command() + ": " + failure.get().message()
                    + " (exit code " + ContainerExec.exitCode(failure.get()) + ")"));
        } else if (status.code() == 0) {
            finish(Outcome.ok(text));
        } else {
            finish(Outcome.failed("command " + exec.command() + " exited with code " + status.code()
                    + (text.isEmpty() ? "" : ": " + text)));
        }
    }

    @Override
    String timedOut(Duration timeout) {
        return "command " + exec.command() + " timed out after " + seconds(timeout);
    }

    @Override
    void release() {
        if (pipe != null) {
            loop.forget(pipe);
            pipe.close();
        }
        if (started == null) {
            return;
        }
        loop.forget(started.child().pidFd().fd());
        if (!reaped) {
            // Reaped here, not later from the loop: a zombie in the pod's pid namespace would keep the
            // pause from ending, and the pod may be torn down in this very turn of the loop.
            started.child().kill();
            reaped = true;
        }
        started.close();
    }
}
