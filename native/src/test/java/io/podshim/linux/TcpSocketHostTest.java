package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostTest;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;

/** KERNEL-NOTES #26: a socket stays in the network namespace it was made in. */
@HostTest
class TcpSocketHostTest {
    private static final Inet4Address LOOPBACK = (Inet4Address) InetAddress.getLoopbackAddress();

    @Test
    void aSocketMadeInAnotherNetworkNamespaceUsesThatNamespacesLoopback() throws Exception {
        // A fresh network namespace has its loopback down: 127.0.0.1 is unreachable there, while the
        // host's loopback answers (here: a listener of this JVM's own, in the host namespace).
        try (ServerSocket host = new ServerSocket(0, 1, LOOPBACK);
             Scripts.Held holder = Scripts.Held.start(NamespacePlan.named("test-netns").create(Namespace.NET).build());
             TcpSocket inside = TcpSocket.openIn(holder.process().pidFd());
             TcpSocket outside = TcpSocket.open()) {
            assertEquals(Optional.of(Errno.ENETUNREACH), outcome(inside, host.getLocalPort()));
            assertEquals(Optional.empty(), outcome(outside, host.getLocalPort()), "the host's own socket reaches the host");
        }
    }

    @Test
    void aRefusedConnectionIsReportedAsECONNREFUSED() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            closed = probe.getLocalPort();
        }
        try (TcpSocket socket = TcpSocket.open()) {
            assertEquals(Optional.of(Errno.ECONNREFUSED), outcome(socket, closed));
        }
    }

    @Test
    void bytesGoBothWaysWithoutBlocking() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK); TcpSocket socket = TcpSocket.open()) {
            assertEquals(Optional.empty(), outcome(socket, server.getLocalPort()));
            try (var accepted = server.accept()) {
                byte[] buffer = new byte[16];
                assertEquals(-1, socket.readSome(buffer), "nothing has arrived yet: -1, not a block");
                assertEquals(4, socket.writeSome("ping".getBytes(), 0));
                accepted.getOutputStream().write("pong".getBytes());
                accepted.getOutputStream().flush();
                awaitReadable(socket);
                int n = socket.readSome(buffer);
                assertEquals("pong", new String(buffer, 0, n));
                accepted.close();
                awaitReadable(socket);
                assertEquals(0, socket.readSome(buffer), "end of stream once the peer closed");
            }
        }
    }

    /** Connects and, if the handshake goes on, waits for it (poll for writability); the error, if any. */
    private static Optional<Errno> outcome(TcpSocket socket, int port) {
        try {
            if (socket.connect(LOOPBACK, port)) {
                return Optional.empty();
            }
        } catch (SyscallException e) {
            return Optional.of(e.errno());
        }
        short[] revents = Poll.await(List.of(socket.fd()), new short[] {Poll.POLLOUT}, 10_000);
        assertTrue(revents[0] != 0, "the handshake ended within 10 s");
        return socket.connectError();
    }

    private static void awaitReadable(TcpSocket socket) {
        assertTrue(Poll.readable(List.of(socket.fd()), 10_000)[0] != 0, "readable within 10 s");
    }
}
