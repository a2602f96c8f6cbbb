package io.podshim.runtime.stream;

import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.Poll;
import io.podshim.linux.StartFailure;
import io.podshim.linux.SyscallException;
import io.podshim.runtime.container.ExecSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.constants.platform.Signal;

/**
 * An exec session's streams on the channels of {@link StreamProtocol}, whatever framing carries
 * them: the command's output (stdout, stderr; with a terminal, the terminal's) is sent as it comes
 * by a thread of its own until the command has let go of it, then its exit as a status on the error
 * channel; what the client sends is written to the command's standard input, a resize sets the
 * terminal's size, a CLOSE of stdin is its end of file. A client that goes away hangs the terminal up
 * (SIGHUP, as closing a terminal does) or closes the standard input; the command is not killed.
 */
public final class ExecStreams implements StreamHandler {
    private final ExecSession session;
    private final String what;
    private volatile StreamFrames frames;
    private volatile boolean hungUp;
    /** Who still uses the session: the output thread, and the client; the last one closes it. */
    private final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger(2);

    /** @param what the command and where it runs, for a status that says what failed */
    public ExecStreams(ExecSession session, String what) {
        this.session = session;
        this.what = what;
    }

    /** Starts sending the command's output; the session is closed once its status is sent. */
    @Override
    public void open(StreamFrames frames) {
        this.frames = frames;
        Thread output = new Thread(this::pump, "exec-output");
        output.setDaemon(true);
        output.start();
    }

    @Override
    public void received(int channel, ByteBuffer data) {
        try {
            switch (channel) {
                case StreamProtocol.STDIN -> {
                    Fd stdin = session.stdin();
                    if (stdin != null && stdin.isOpen() && data.hasRemaining()) {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        stdin.write(bytes);
                    }
                }
                case StreamProtocol.RESIZE -> StreamProtocol.size(data).ifPresent(size -> session.resize(size.columns(), size.rows()));
                case StreamProtocol.CLOSE -> {
                    if (data.hasRemaining() && data.get() == StreamProtocol.STDIN) {
                        session.closeStdin();
                    }
                }
                default -> {
                    // a channel this direction does not have: ignored, as kubelet ignores it
                }
            }
        } catch (SyscallException e) {
            // EPIPE: the command closed its standard input or ended; what it did not read is dropped, as in a shell
        }
    }

    /** The client has gone: hang the terminal up, or end the standard input. */
    @Override
    public void hungUp() {
        hangUp();
        release();
    }

    private void hangUp() {
        if (hungUp) {
            return;
        }
        hungUp = true;
        if (session.terminal()) {
            try {
                session.signal(Signal.SIGHUP);
            } catch (SyscallException e) {
                // it has ended already
            }
        } else {
            session.closeStdin();
        }
    }

    private void release() {
        if (users.decrementAndGet() == 0) {
            session.close();
        }
    }

    private void pump() {
        try {
            Optional<StartFailure> failure = session.awaitStart();
            if (failure.isPresent()) {
                byte[] message = (failure.get().message() + "\n").getBytes(StandardCharsets.UTF_8);
                send(session.terminal() ? StreamProtocol.STDOUT : StreamProtocol.STDERR, message, message.length);
            } else {
                copyOutput();
            }
            ExitStatus exit = session.waitFor();
            int code = ExecSession.exitCode(exit, failure);
            byte[] status = (code == 0 ? StreamProtocol.success() : StreamProtocol.exited(code)).getBytes(StandardCharsets.UTF_8);
            send(StreamProtocol.ERROR, status, status.length);
        } catch (RuntimeException e) {
            byte[] status = StreamProtocol.failure(what + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
            send(StreamProtocol.ERROR, status, status.length);
        } finally {
            frames.close();
            release();
        }
    }

    /** Until every output has ended: end of file on a pipe, EIO on a terminal no process holds any more. */
    private void copyOutput() {
        List<Fd> open = new ArrayList<>();
        List<Integer> channels = new ArrayList<>();
        open.add(session.stdout());
        channels.add(StreamProtocol.STDOUT);
        if (session.stderr() != null) {
            open.add(session.stderr());
            channels.add(StreamProtocol.STDERR);
        }
        byte[] buffer = new byte[32 * 1024];
        while (!open.isEmpty()) {
            short[] ready = Poll.readable(open, -1);
            for (int i = open.size() - 1; i >= 0; i--) {
                if (ready[i] == 0) {
                    continue;
                }
                int n;
                try {
                    n = open.get(i).read(buffer);
                } catch (SyscallException e) {
                    n = 0; // EIO: the terminal's last holder has closed it
                }
                if (n <= 0) {
                    open.remove(i);
                    channels.remove(i);
                } else {
                    send(channels.get(i), buffer, n);
                }
            }
        }
    }

    private void send(int channel, byte[] data, int length) {
        if (!hungUp && !frames.send(channel, data, length)) {
            hangUp(); // the peer went between two frames: what follows is read and dropped, so the command never blocks on it
        }
    }
}
