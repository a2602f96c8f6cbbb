package io.podshim.linux;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A pseudo-terminal of a container's own devpts instance: the master, which the daemon keeps and
 * reads and writes, and the slave, the standard input, output and error of a command given a
 * terminal in the container (its controlling terminal once the command's session takes it). Made
 * from the container's {@code /dev/pts/ptmx}, so the command sees a {@code /dev/pts/N} of the
 * container's, as runc gives it, and nothing of the host's terminals (KERNEL-NOTES #30).
 */
public final class Pty implements AutoCloseable {
    private static final long SYS_OPENAT2 = 437;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_IN_ROOT = 0x10;
    private static final int O_NOCTTY = 0400;
    private static final long TIOCSWINSZ = 0x5414;
    private static final long TIOCGPTPEER = 0x5441;
    private static final long TIOCSPTLCK = 0x40045431L;
    private static final long TIOCGPTN = 0x80045430L;

    private final Fd master;
    private final Fd slave;
    private final int number;

    private Pty(Fd master, Fd slave, int number) {
        this.master = master;
        this.slave = slave;
        this.number = number;
    }

    /**
     * A new terminal pair from the devpts mounted at {@code /dev/pts} in the root of process
     * {@code pid} (a container's): {@code dev/pts/ptmx} resolved inside that root, whatever links
     * the container has put on the way, then the slave taken from the master itself (TIOCGPTPEER)
     * rather than looked up by name.
     */
    public static Pty openIn(long pid) {
        return openInRoot("/proc/" + pid + "/root");
    }

    /**
     * As {@link #openIn}, from the devpts at {@code dev/pts} below {@code rootDir}, taken as "/": a
     * container's root as its namespace thread sees it, before the container runs.
     */
    public static Pty openInRoot(String rootDir) {
        String ptmx = rootDir + "/dev/pts/ptmx";
        try (Fd root = Fd.open(rootDir, Fd.O_PATH | Fd.O_DIRECTORY)) {
            Fd master = Fd.adopt(openInRoot(root, rootDir, "dev/pts/ptmx", Fd.O_RDWR | O_NOCTTY | Fd.O_CLOEXEC));
            try {
                int fd = master.value();
                Pointer unlock = Memory.allocateDirect(Kernel.runtime(), 4, true);
                Kernel.check("ioctl", ptmx + ", TIOCSPTLCK", () -> Kernel.libc().ioctl(fd, TIOCSPTLCK, unlock));
                Pointer n = Memory.allocateDirect(Kernel.runtime(), 4, true);
                Kernel.check("ioctl", ptmx + ", TIOCGPTN", () -> Kernel.libc().ioctl(fd, TIOCGPTN, n));
                Fd slave = Fd.adopt(Kernel.check("ioctl", ptmx + ", TIOCGPTPEER",
                        () -> Kernel.libc().ioctl(fd, TIOCGPTPEER, (long) (Fd.O_RDWR | O_NOCTTY | Fd.O_CLOEXEC))));
                return new Pty(master, slave, n.getInt(0));
            } catch (RuntimeException e) {
                master.close();
                throw e;
            }
        }
    }

    /** openat2(2) with RESOLVE_IN_ROOT: {@code path} resolved as if {@code root} were "/", symlinks included. */
    private static int openInRoot(Fd root, String rootName, String path, int flags) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        Pointer name = Memory.allocateDirect(Kernel.runtime(), bytes.length + 1, true);
        name.put(0, bytes, 0, bytes.length);
        Pointer how = Memory.allocateDirect(Kernel.runtime(), 24, true); // struct open_how: flags, mode, resolve
        how.putLong(0, flags);
        how.putLong(16, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
        int dir = root.value();
        return (int) Kernel.checkLong("openat2", rootName + ", " + path + ", RESOLVE_IN_ROOT",
                () -> Kernel.libc().syscall(SYS_OPENAT2, dir, name.address(), how.address(), 24));
    }

    /** The daemon's end: what is written here is typed into the terminal, what the command prints is read here. */
    public Fd master() {
        return master;
    }

    /** The command's end; close it here once the command has it. */
    public Fd slave() {
        return slave;
    }

    /** N of the container's /dev/pts/N. */
    public int number() {
        return number;
    }

    /** Sets the window size; the kernel sends SIGWINCH to the terminal's foreground process group. */
    public void resize(int columns, int rows) {
        resize(master, columns, rows);
    }

    /** Sets the window size of the terminal whose master is {@code master} (one taken back from a shim, say). */
    public static void resize(Fd master, int columns, int rows) {
        Pointer winsize = Memory.allocateDirect(Kernel.runtime(), 8, true); // ws_row, ws_col, ws_xpixel, ws_ypixel
        winsize.putShort(0, (short) rows);
        winsize.putShort(2, (short) columns);
        int fd = master.value();
        Kernel.check("ioctl", master + ", TIOCSWINSZ " + columns + "x" + rows, () -> Kernel.libc().ioctl(fd, TIOCSWINSZ, winsize));
    }

    @Override
    public void close() {
        try {
            slave.close();
        } finally {
            master.close();
        }
    }
}
