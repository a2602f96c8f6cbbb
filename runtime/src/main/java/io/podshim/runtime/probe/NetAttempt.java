package io.podshim.runtime.probe;

import io.podshim.linux.SyscallException;
import io.podshim.linux.TcpSocket;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import jnr.constants.platform.Errno;

/**
 * A {@code tcpSocket} or {@code httpGet} probe or hook. The socket is made in the pod's network
 * namespace (KERNEL-NOTES #26), so "127.0.0.1" is the pod's loopback and the host's network is never
 * touched; then connect, write the request and read the answer without blocking, each step waiting
 * in the loop's poll set. tcpSocket succeeds once connected; httpGet on a status of 200–399.
 */
final class NetAttempt extends Attempt {
    private final String host;
    private final int port;
    /** Null for tcpSocket. */
    private final Action.HttpGet get;
    private final Target target;
    private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
    private TcpSocket socket;
    private byte[] request;
    private int written;

    NetAttempt(String host, int port, Action.HttpGet get, Target target, Loop loop, Consumer<Outcome> done) {
        super(loop, done);
        this.host = host;
        this.port = port;
        this.get = get;
        this.target = target;
    }

    @Override
    void begin() {
        Inet4Address address = address(host);
        socket = TcpSocket.openIn(target.pause());
        try {
            if (socket.connect(address, port)) {
                connected();
            } else {
                loop.whenWritable(socket.fd(), this::handshakeDone);
            }
        } catch (SyscallException e) {
            finish(Outcome.failed(dialError(e.errno())));
        }
    }

    private void handshakeDone() {
        Optional<Errno> error = socket.connectError();
        if (error.isPresent()) {
            finish(Outcome.failed(dialError(error.get())));
        } else {
            connected();
        }
    }

    private void connected() {
        if (get == null) {
            finish(Outcome.ok("connected to " + host + ":" + port));
            return;
        }
        request = HttpExchange.request(get);
        send();
    }

    private void send() {
        try {
            written += socket.writeSome(request, written);
        } catch (SyscallException e) {
            finish(Outcome.failed(prefix() + e.getMessage()));
            return;
        }
        if (written < request.length) {
            loop.whenWritable(socket.fd(), this::send);
        } else {
            loop.whenReadable(socket.fd(), this::receive);
        }
    }

    private void receive() {
        byte[] buffer = new byte[4096];
        int n;
        try {
            n = socket.readSome(buffer);
        } catch (SyscallException e) {
            finish(Outcome.failed(prefix() + e.getMessage()));
            return;
        }
        if (n > 0) {
            answer.write(buffer, 0, Math.min(n, Math.max(0, MAX_OUTPUT - answer.size())));
        }
        Optional<Outcome> outcome = HttpExchange.outcome(answer.toByteArray(), n == 0 || answer.size() >= MAX_OUTPUT);
        if (outcome.isPresent()) {
            finish(outcome.get().success() ? outcome.get() : Outcome.failed(outcome.get().message()));
        } else if (n == 0) {
            finish(Outcome.failed(prefix() + "the server closed the connection without an HTTP answer"));
        } else {
            loop.whenReadable(socket.fd(), this::receive);
        }
    }

    private String prefix() {
        return "GET http://" + host + ":" + port + get.path() + ": ";
    }

    /** As Go's dialer words it, which is what people know from kubelet's events, with the errno. */
    private String dialError(Errno errno) {
        String dial = "dial tcp " + host + ":" + port + ": connect: " + errno.name() + " (" + errno.description() + ")";
        return get == null ? dial : prefix() + dial;
    }

    @Override
    String timedOut(Duration timeout) {
        String what = get == null ? "dial tcp " + host + ":" + port : prefix().strip();
        return what + " timed out after " + seconds(timeout) + (request == null ? " (not connected)" : " (no full answer)");
    }

    @Override
    void release() {
        if (socket != null) {
            loop.forget(socket.fd());
            socket.close();
        }
    }

    /** An IPv4 literal (the manifest reader let nothing else through). */
    private static Inet4Address address(String host) {
        try {
            return (Inet4Address) InetAddress.getByName(host);
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + host, e);
        }
    }
}
