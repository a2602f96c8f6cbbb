package io.podshim.linux;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An owned file descriptor. Every descriptor podshim opens is close-on-exec, so none leaks into a
 * spawned process unless it is passed on purpose ({@link SpawnSpec}). Closing twice is harmless.
 */
public final class Fd implements AutoCloseable {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;

    static final int F_DUPFD_CLOEXEC = 1030;

    private final AtomicInteger fd;

    private Fd(int fd) {
        this.fd = new AtomicInteger(fd);
    }

    /** Takes ownership of a raw descriptor. */
    static Fd adopt(int fd) {
        return new Fd(fd);
    }

    /** open(2); O_CLOEXEC is always added. */
    public static Fd open(String path, int flags, int mode) {
        int all = flags | O_CLOEXEC;
        return new Fd(Kernel.check("open", path + ", " + Integer.toOctalString(all),
                () -> Kernel.libc().open(path, all, mode)));
    }

    public static Fd open(String path, int flags) {
        return open(path, flags, 0);
    }

    /** The raw number, valid until {@link #close()}. */
    public int value() {
        int value = fd.get();
        if (value < 0) {
            throw new IllegalStateException("file descriptor already closed");
        }
        return value;
    }

    public boolean isOpen() {
        return fd.get() >= 0;
    }

    /** A close-on-exec copy numbered {@code minimum} or higher (fcntl F_DUPFD_CLOEXEC). */
    public Fd dupAtLeast(int minimum) {
        int value = value();
        return new Fd(Kernel.check("fcntl", value + ", F_DUPFD_CLOEXEC, " + minimum,
                () -> Kernel.libc().fcntl(value, F_DUPFD_CLOEXEC, minimum)));
    }

    /** read(2): the number of bytes read, 0 at end of file. */
    public int read(byte[] buffer) {
        int value = value();
        return (int) Kernel.checkLong("read", value, () -> Kernel.libc().read(value, buffer, buffer.length));
    }

    static final int SPLICE_F_NONBLOCK = 0x02;

    /**
     * tee(2): copies up to {@code max} bytes from this pipe into the pipe {@code to} without
     * consuming them, so that what this pipe holds is still there for a reader that comes after a
     * crash (KERNEL-NOTES #29). Non-blocking: 0 means end of file, -1 nothing to copy now.
     */
    public long teeTo(Fd to, long max) {
        int from = value();
        int into = to.value();
        long copied = Kernel.libc().tee(from, into, max, SPLICE_F_NONBLOCK);
        if (copied < 0) {
            jnr.constants.platform.Errno errno = Kernel.lastErrno();
            if (errno == jnr.constants.platform.Errno.EAGAIN) {
                return -1;
            }
            throw new SyscallException("tee", from + ", " + into + ", " + max + ", SPLICE_F_NONBLOCK", errno);
        }
        return copied;
    }

    /** Reads and drops exactly {@code count} bytes that are known to be there (after a {@link #teeTo}). */
    public void discard(long count, byte[] scratch) {
        long left = count;
        while (left > 0) {
            int value = value();
            long chunk = Math.min(left, scratch.length);
            long n = Kernel.checkLong("read", value, () -> Kernel.libc().read(value, scratch, chunk));
            if (n == 0) {
                throw new IllegalStateException("fd " + value + " ended with " + left + " teed bytes not read");
            }
            left -= n;
        }
    }

    /** Reads until end of file (every writer closed its end). */
    public byte[] readAllBytes() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = read(buffer)) > 0) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toByteArray();
    }

    /** write(2) of the whole buffer. */
    public void write(byte[] data) {
        int value = value();
        byte[] rest = data;
        while (rest.length > 0) {
            byte[] chunk = rest;
            long written = Kernel.checkLong("write", value, () -> Kernel.libc().write(value, chunk, chunk.length));
            rest = java.util.Arrays.copyOfRange(rest, (int) written, rest.length);
        }
    }

    @Override
    public void close() {
        int value = fd.getAndSet(-1);
        if (value >= 0) {
            // close(2) must not be retried on EINTR: the descriptor is gone either way.
            if (Kernel.libc().close(value) != 0 && Kernel.lastErrno() != jnr.constants.platform.Errno.EINTR) {
                throw new SyscallException("close", Integer.toString(value), Kernel.lastErrno());
            }
        }
    }

    @Override
    public String toString() {
        return "fd " + fd.get();
    }
}
