package io.podshim.runtime.stream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.spdy.SpdyHeaders;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A remote command (exec, attach) on SPDY streams, as {@code v4.channel.k8s.io} lays them out: the
 * client opens one stream per channel it wants ({@code streamtype}: error, stdin, stdout, stderr,
 * resize), and once every one the request named is there, the command is started and its
 * {@link StreamHandler} opened over them (a command that cannot be started says why on the error
 * stream). A FIN on stdin is its end of file. A client that goes before that has started nothing.
 */
public final class SpdyRemoteCommand implements SpdySession.Listener {
    private static final Map<String, Integer> CHANNELS = Map.of("stdin", StreamProtocol.STDIN, "stdout", StreamProtocol.STDOUT,
            "stderr", StreamProtocol.STDERR, "error", StreamProtocol.ERROR, "resize", StreamProtocol.RESIZE);

    private final java.util.function.Supplier<StreamHandler> start;
    private volatile StreamHandler handler;
    private final Set<Integer> expected;
    private final Map<Integer, Integer> channelOfStream = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> streamOfChannel = new ConcurrentHashMap<>();
    private volatile boolean open;
    private volatile boolean gone;

    /**
     * @param start starts the command, once the client's streams are all there
     * @param expected the channels the request asked for (error always; stdin, stdout, stderr, resize as asked)
     */
    public SpdyRemoteCommand(java.util.function.Supplier<StreamHandler> start, Set<Integer> expected) {
        this.start = start;
        this.expected = Set.copyOf(expected);
    }

    /** The channels a request with these flags opens: stderr is the terminal's with tty, and resize comes with it. */
    public static Set<Integer> channels(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        Set<Integer> channels = new java.util.HashSet<>(Set.of(StreamProtocol.ERROR));
        if (stdin) {
            channels.add(StreamProtocol.STDIN);
        }
        if (stdout) {
            channels.add(StreamProtocol.STDOUT);
        }
        if (stderr && !tty) {
            channels.add(StreamProtocol.STDERR);
        }
        if (tty) {
            channels.add(StreamProtocol.RESIZE);
        }
        return channels;
    }

    @Override
    public void opened(SpdySession session, int id, SpdyHeaders headers) {
        Integer channel = CHANNELS.get(String.valueOf(headers.getAsString("streamtype")).toLowerCase(java.util.Locale.ROOT));
        if (channel == null || open) {
            session.finish(id); // a kind of stream this protocol has not, or one too late: ended at once
            return;
        }
        channelOfStream.put(id, channel);
        streamOfChannel.put(channel, id);
        if (streamOfChannel.keySet().containsAll(expected)) {
            open = true;
            StreamFrames frames = frames(session);
            try {
                handler = start.get();
            } catch (RuntimeException e) {
                byte[] status = StreamProtocol.failure(e.getMessage()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                new Thread(() -> { // sends block: never on the connection's thread
                    frames.send(StreamProtocol.ERROR, status, status.length);
                    frames.close();
                }, "stream-refused").start();
                return;
            }
            handler.open(frames);
        }
    }

    /** Whether the command has been started: a connection that is not, after a while, is closed by its server. */
    public boolean started() {
        return open;
    }

    private StreamFrames frames(SpdySession session) {
        return new StreamFrames() {
            @Override
            public boolean send(int channel, byte[] data, int length) {
                Integer id = streamOfChannel.get(channel);
                return id != null && session.send(id, data, length);
            }

            @Override
            public void close() {
                streamOfChannel.values().forEach(session::finish);
                session.close();
            }
        };
    }

    @Override
    public void received(int id, ByteBuf data, boolean last) {
        Integer channel = channelOfStream.get(id);
        StreamHandler handler = this.handler;
        if (channel == null || handler == null) {
            return;
        }
        if (data.isReadable()) {
            handler.received(channel, data.nioBuffer());
        }
        if (last && channel == StreamProtocol.STDIN) {
            handler.received(StreamProtocol.CLOSE, ByteBuffer.wrap(new byte[] {StreamProtocol.STDIN}));
        }
    }

    @Override
    public void closed() {
        if (!gone) {
            gone = true;
            StreamHandler started = handler;
            if (started != null) {
                started.hungUp();
            }
        }
    }
}
