package io.podshim.linux;

import java.net.Inet4Address;
import java.util.EnumSet;
import java.util.Optional;
import jnr.constants.platform.Errno;

/**
 * A non-blocking IPv4 TCP client socket, made in a chosen network namespace. A socket belongs to
 * the network namespace of the thread that created it, for its whole life; so a socket made on a
 * {@link NamespaceThread} that joined a pod's net namespace reaches that pod's loopback from any
 * thread, and the daemon itself never leaves the host's network (KERNEL-NOTES #26).
 *
 * <p>Nothing here blocks: {@link #connect} starts the handshake, the owner polls the descriptor for
 * writability and asks {@link #connectError}; reads and writes say when they would block.
 */
public final class TcpSocket implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 04000;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_ERROR = 4;

    private final Fd fd;

    private TcpSocket(Fd fd) {
        this.fd = fd;
    }

    /** A socket in the calling thread's network namespace. */
    public static TcpSocket open() {
        return new TcpSocket(Fd.adopt(Kernel.check("socket", "AF_INET, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC",
                () -> Kernel.libc().socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0))));
    }

    /** A socket in the network namespace of {@code holder} (a pod's pause), made on a thread used once. */
    public static TcpSocket openIn(PidFd holder) {
        NamespacePlan plan = NamespacePlan.named("socket").join(holder, EnumSet.of(Namespace.NET)).build();
        return NamespaceThread.call(plan, TcpSocket::open);
    }

    public Fd fd() {
        return fd;
    }

    /**
     * Starts connecting to {@code address}:{@code port}: true if connected already, false while the
     * handshake goes on (EINPROGRESS; wait until the descriptor is writable, then {@link #connectError}).
     */
    public boolean connect(Inet4Address address, int port) {
        byte[] sockaddr = new byte[16];
        sockaddr[0] = (byte) AF_INET; // sa_family, little-endian short
        sockaddr[2] = (byte) (port >>> 8); // sin_port, network order
        sockaddr[3] = (byte) port;
        System.arraycopy(address.getAddress(), 0, sockaddr, 4, 4);
        int raw = fd.value();
        if (Kernel.libc().connect(raw, sockaddr, sockaddr.length) == 0) {
            return true;
        }
        Errno errno = Kernel.lastErrno();
        if (errno == Errno.EINPROGRESS) {
            return false;
        }
        throw new SyscallException("connect", address.getHostAddress() + ":" + port, errno);
    }

    /** After the descriptor turned writable: empty if the connection stands, else why it failed (SO_ERROR). */
    public Optional<Errno> connectError() {
        int[] value = new int[1];
        int[] length = {4};
        int raw = fd.value();
        Kernel.check("getsockopt", raw + ", SOL_SOCKET, SO_ERROR", () -> Kernel.libc().getsockopt(raw, SOL_SOCKET, SO_ERROR,
                value, length));
        return value[0] == 0 ? Optional.empty() : Optional.of(Errno.valueOf(value[0]));
    }

    /** Writes what fits now: the number of bytes taken, 0 if the socket's buffer is full. */
    public int writeSome(byte[] data, int offset) {
        byte[] chunk = offset == 0 ? data : java.util.Arrays.copyOfRange(data, offset, data.length);
        int raw = fd.value();
        long n = Kernel.libc().write(raw, chunk, chunk.length);
        if (n >= 0) {
            return (int) n;
        }
        Errno errno = Kernel.lastErrno();
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
            return 0;
        }
        throw new SyscallException("write", "socket " + raw, errno);
    }

    /** Reads what is there: the number of bytes, 0 at end of stream, -1 if nothing has arrived yet. */
    public int readSome(byte[] buffer) {
        int raw = fd.value();
        long n = Kernel.libc().read(raw, buffer, buffer.length);
        if (n >= 0) {
            return (int) n;
        }
        Errno errno = Kernel.lastErrno();
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
            return -1;
        }
        throw new SyscallException("read", "socket " + raw, errno);
    }

    /**
     * shutdown(SHUT_RDWR): both directions end, and a thread polling or reading the socket sees end
     * of file, so it can be stopped from another thread without closing a descriptor under it.
     */
    public void shutdown() {
        int raw = fd.value();
        if (Kernel.libc().shutdown(raw, 2) != 0 && Kernel.lastErrno() != Errno.ENOTCONN) {
            throw new SyscallException("shutdown", "socket " + raw + ", SHUT_RDWR", Kernel.lastErrno());
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
