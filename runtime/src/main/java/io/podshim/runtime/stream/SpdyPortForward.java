package io.podshim.runtime.stream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.podshim.linux.TcpSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Port forwarding on SPDY streams, as {@code portforward.k8s.io} lays them out: for each connection
 * the client makes, it opens an error stream and a data stream, both with the {@code port} and the
 * same {@code requestid}; once both are there, a connection to the port is made in the pod and
 * carried by a {@link PortForwardStreams} of its own (data on its channel 0, errors on 1). A
 * connection that cannot be made is said on that request's error stream. The connection carries as
 * many requests as the client makes, for as long as it stays.
 */
public final class SpdyPortForward implements SpdySession.Listener {
    private record Request(Integer data, Integer error, int port) {}

    /**
     * One forwarded connection: what the client sends before the pod's connection is made is kept
     * and written once it is; a FIN then too. Guarded by itself.
     */
    private static final class Forwarding {
        PortForwardStreams streams;
        final java.util.List<byte[]> early = new java.util.ArrayList<>();
        boolean clientDone;
        boolean over;
    }

    private final IntFunction<TcpSocket> connect;
    private final Map<String, Request> requests = new ConcurrentHashMap<>();
    private final Map<Integer, Forwarding> byDataStream = new ConcurrentHashMap<>();

    /** @param connect a connection to a port of the pod, made in its network namespace (or why not) */
    public SpdyPortForward(IntFunction<TcpSocket> connect) {
        this.connect = connect;
    }

    @Override
    public void opened(SpdySession session, int id, SpdyHeaders headers) {
        String type = String.valueOf(headers.getAsString("streamtype"));
        String requestId = String.valueOf(headers.getAsString("requestid"));
        int port;
        try {
            port = Integer.parseInt(String.valueOf(headers.getAsString("port")));
        } catch (NumberFormatException e) {
            session.finish(id);
            return;
        }
        if (port < 1 || port > 65535 || !(type.equals("data") || type.equals("error"))) {
            session.finish(id);
            return;
        }
        Request request = requests.merge(requestId, type.equals("data") ? new Request(id, null, port) : new Request(null, id, port),
                (a, b) -> new Request(a.data() != null ? a.data() : b.data(), a.error() != null ? a.error() : b.error(), a.port()));
        if (request.data() != null && request.error() != null) {
            requests.remove(requestId);
            Forwarding forwarding = new Forwarding();
            byDataStream.put(request.data(), forwarding);
            // Connected off the connection's thread: a connect in the pod can take its time.
            new Thread(() -> forward(session, request, forwarding), "port-forward-" + port).start();
        }
    }

    private void forward(SpdySession session, Request request, Forwarding forwarding) {
        TcpSocket socket;
        try {
            socket = connect.apply(request.port());
        } catch (RuntimeException e) {
            byDataStream.remove(request.data());
            byte[] message = ("an error occurred forwarding " + request.port() + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
            session.send(request.error(), message, message.length);
            session.finish(request.error());
            session.finish(request.data());
            return;
        }
        PortForwardStreams streams = new PortForwardStreams(java.util.List.of(request.port()), java.util.List.of(socket), false);
        streams.open(new StreamFrames() {
            @Override
            public boolean send(int channel, byte[] data, int length) {
                return session.send(channel == 0 ? request.data() : request.error(), data, length);
            }

            @Override
            public void close() {
                session.finish(request.data());
                session.finish(request.error());
            }
        });
        synchronized (forwarding) {
            forwarding.early.forEach(bytes -> streams.received(0, java.nio.ByteBuffer.wrap(bytes)));
            forwarding.early.clear();
            forwarding.streams = streams;
            if (forwarding.clientDone || forwarding.over) {
                streams.hungUp();
            }
        }
    }

    @Override
    public void received(int id, ByteBuf data, boolean last) {
        Forwarding forwarding = last ? byDataStream.remove(id) : byDataStream.get(id);
        if (forwarding == null) {
            return;
        }
        synchronized (forwarding) {
            if (forwarding.streams == null) {
                if (data.isReadable()) {
                    byte[] bytes = new byte[data.readableBytes()];
                    data.readBytes(bytes);
                    forwarding.early.add(bytes);
                }
                forwarding.clientDone |= last;
                return;
            }
        }
        if (data.isReadable()) {
            forwarding.streams.received(0, data.nioBuffer());
        }
        if (last) {
            forwarding.streams.hungUp(); // the client closed its connection: so is the pod's (once: it is no longer listed)
        }
    }

    @Override
    public void closed() {
        for (Forwarding forwarding : byDataStream.values()) {
            synchronized (forwarding) {
                forwarding.over = true;
                if (forwarding.streams != null) {
                    forwarding.streams.hungUp();
                }
            }
        }
        byDataStream.clear();
    }
}
