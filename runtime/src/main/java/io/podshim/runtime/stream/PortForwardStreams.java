package io.podshim.runtime.stream;

import io.podshim.linux.Poll;
import io.podshim.linux.SyscallException;
import io.podshim.linux.TcpSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwarded ports on the channels of {@link StreamProtocol#PORT_FORWARD}, as kubelet forwards
 * them: the i-th port's data on channel 2i, its errors on 2i+1, each channel opened by the server
 * with the port number (two bytes, little-endian). Each port is one TCP connection, made in the
 * pod's network namespace beforehand; what the client sends is written to it, what it answers is
 * sent back by a thread of its own. The stream ends once every connection has; the connections are
 * closed once the stream has ended on both sides (no descriptor is closed under a thread still using it).
 */
public final class PortForwardStreams implements StreamHandler {
    private final List<Integer> ports;
    private final List<TcpSocket> sockets;
    /** The connections still answering; and who still uses the sockets: each reader, and the client. */
    private final AtomicInteger open;
    private final AtomicInteger users;
    private volatile StreamFrames frames;
    /** Each channel opens with its port number (the WebSocket framing); SPDY names the port in the stream's headers instead. */
    private final boolean announcePorts;

    /** @param sockets one connection for each of {@code ports}, connected; this stream owns them */
    public PortForwardStreams(List<Integer> ports, List<TcpSocket> sockets) {
        this(ports, sockets, true);
    }

    /** @param announcePorts false: the channels carry data from their first byte (SPDY) */
    public PortForwardStreams(List<Integer> ports, List<TcpSocket> sockets, boolean announcePorts) {
        this.announcePorts = announcePorts;
        this.ports = List.copyOf(ports);
        this.sockets = List.copyOf(sockets);
        this.open = new AtomicInteger(sockets.size());
        this.users = new AtomicInteger(sockets.size() + 1);
    }

    @Override
    public void open(StreamFrames opened) {
        this.frames = opened;
        for (int i = 0; announcePorts && i < ports.size(); i++) {
            byte[] port = {(byte) (ports.get(i) & 0xff), (byte) (ports.get(i) >>> 8)};
            opened.send(2 * i, port, 2);
            opened.send(2 * i + 1, port, 2);
        }
        for (int i = 0; i < sockets.size(); i++) {
            int index = i;
            Thread reader = new Thread(() -> copyBack(index), "port-forward-" + ports.get(i));
            reader.setDaemon(true);
            reader.start();
        }
    }

    @Override
    public void received(int channel, ByteBuffer data) {
        int index = channel / 2;
        if (channel % 2 != 0 || index >= sockets.size() || !data.hasRemaining()) {
            return; // the client has nothing to say on an error channel
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        TcpSocket socket = sockets.get(index);
        try {
            for (int done = 0; done < bytes.length; ) {
                int n = socket.writeSome(bytes, done);
                if (n == 0) {
                    Poll.await(List.of(socket.fd()), new short[] {Poll.POLLOUT}, -1);
                }
                done += n;
            }
        } catch (SyscallException e) {
            error(index, e.getMessage());
            socket.shutdown();
        }
    }

    @Override
    public void hungUp() {
        for (TcpSocket socket : sockets) {
            try {
                socket.shutdown();
            } catch (SyscallException e) {
                // it has gone already
            }
        }
        release();
    }

    private void release() {
        if (users.decrementAndGet() == 0) {
            sockets.forEach(TcpSocket::close);
        }
    }

    /** What the pod answers on connection {@code index}, until it closes (or is shut down). */
    private void copyBack(int index) {
        TcpSocket socket = sockets.get(index);
        byte[] buffer = new byte[32 * 1024];
        try {
            while (true) {
                Poll.readable(List.of(socket.fd()), -1);
                int n = socket.readSome(buffer);
                if (n == 0) {
                    break;
                }
                if (n > 0 && !frames.send(2 * index, buffer, n)) {
                    break;
                }
            }
        } catch (SyscallException e) {
            error(index, e.getMessage()); // ECONNRESET and the like
        } finally {
            if (open.decrementAndGet() == 0) {
                frames.close();
            }
            release();
        }
    }

    private void error(int index, String message) {
        byte[] text = ("an error occurred forwarding port " + ports.get(index) + ": " + message).getBytes(StandardCharsets.UTF_8);
        frames.send(2 * index + 1, text, text.length);
    }
}
