package io.podshim.runtime.stream;

import io.podshim.linux.Fd;
import io.podshim.linux.Pty;
import io.podshim.linux.SyscallException;
import io.podshim.runtime.logs.CriLogFile;
import io.podshim.runtime.logs.Taps;
import io.podshim.runtime.pod.PodEngine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An attach on the channels of {@link StreamProtocol}: the running container's output from the
 * moment of attaching, as the log pump writes it to the log (it keeps going there meanwhile), and
 * with stdin what the client types into the container's standard input or terminal. It ends when
 * the container's run does, or when the client goes; the container goes on. A client too slow for
 * the output is let go rather than holding the log pump up.
 */
public final class AttachStreams implements StreamHandler {
    /** Chunks of output waiting for a slow client before it is let go. */
    private static final int BACKLOG = 4096;

    private record Chunk(int channel, byte[] data) {}

    private static final Chunk END = new Chunk(-1, new byte[0]);
    private static final Chunk TOO_SLOW = new Chunk(-2, new byte[0]);

    private final PodEngine.Attached attached;
    private final BlockingQueue<Chunk> output = new LinkedBlockingQueue<>(BACKLOG);
    private final AtomicBoolean gone = new AtomicBoolean();
    private final Taps.Tap tap;

    public AttachStreams(PodEngine.Attached attached) {
        this.attached = attached;
        boolean tty = attached.terminal() != null;
        this.tap = (stream, data) -> {
            int channel = tty || stream == CriLogFile.Stream.STDOUT ? StreamProtocol.STDOUT : StreamProtocol.STDERR;
            if (!output.offer(new Chunk(channel, data))) {
                output.clear();
                output.offer(TOO_SLOW);
            }
        };
    }

    @Override
    public void open(StreamFrames frames) {
        attached.taps().add(tap);
        attached.ended().whenComplete((ok, failure) -> output.offer(END));
        Thread sender = new Thread(() -> send(frames), "attach-output");
        sender.setDaemon(true);
        sender.start();
    }

    private void send(StreamFrames frames) {
        try {
            while (true) {
                Chunk c = output.take();
                if (c == END || c == TOO_SLOW) {
                    byte[] status = (c == END ? StreamProtocol.success()
                            : StreamProtocol.failure("attach: the client did not keep up with the container's output"))
                            .getBytes(StandardCharsets.UTF_8);
                    frames.send(StreamProtocol.ERROR, status, status.length);
                    break;
                }
                if (gone.get() || !frames.send(c.channel(), c.data(), c.data().length)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            attached.taps().remove(tap);
            frames.close();
        }
    }

    @Override
    public void received(int channel, ByteBuffer data) {
        try {
            if (channel == StreamProtocol.STDIN && attached.stdin() != null && attached.stdin().isOpen() && data.hasRemaining()) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                attached.stdin().write(bytes);
            } else if (channel == StreamProtocol.RESIZE && attached.terminal() != null) {
                StreamProtocol.size(data).ifPresent(size -> Pty.resize(attached.terminal(), size.columns(), size.rows()));
            } else if (channel == StreamProtocol.CLOSE && data.hasRemaining() && data.get() == StreamProtocol.STDIN
                    && attached.stdin() != null && attached.terminal() == null) {
                attached.stdin().close();
            }
        } catch (SyscallException e) {
            // EPIPE: the container has closed its standard input or ended
        }
    }

    @Override
    public void hungUp() {
        gone.set(true);
        output.offer(END);
        attached.taps().remove(tap);
        for (Fd fd : new Fd[] {attached.stdin(), attached.terminal()}) {
            if (fd != null) {
                fd.close();
            }
        }
        attached.detached().run();
    }
}
