package io.podshim.linux;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Network interface flags through SIOCGIFFLAGS/SIOCSIFFLAGS on a datagram socket, in the calling
 * thread's network namespace. Enough to bring {@code lo} up in a new pod; no netlink needed.
 */
public final class Interfaces {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = Fd.O_CLOEXEC;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final short IFF_UP = 0x1;
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ_SIZE = 40;

    private Interfaces() {}

    public static boolean isUp(String name) {
        try (Fd socket = socket()) {
            return (flags(socket, name) & IFF_UP) != 0;
        }
    }

    /** Sets IFF_UP on {@code name} (like {@code ip link set NAME up}). */
    public static void setUp(String name) {
        try (Fd socket = socket()) {
            Pointer ifreq = ifreq(name);
            int fd = socket.value();
            Kernel.check("ioctl", name + ", SIOCGIFFLAGS", () -> Kernel.libc().ioctl(fd, SIOCGIFFLAGS, ifreq));
            ifreq.putShort(IFNAMSIZ, (short) (ifreq.getShort(IFNAMSIZ) | IFF_UP));
            Kernel.check("ioctl", name + ", SIOCSIFFLAGS, IFF_UP", () -> Kernel.libc().ioctl(fd, SIOCSIFFLAGS, ifreq));
        }
    }

    private static short flags(Fd socket, String name) {
        Pointer ifreq = ifreq(name);
        int fd = socket.value();
        Kernel.check("ioctl", name + ", SIOCGIFFLAGS", () -> Kernel.libc().ioctl(fd, SIOCGIFFLAGS, ifreq));
        return ifreq.getShort(IFNAMSIZ);
    }

    private static Fd socket() {
        return Fd.adopt(Kernel.check("socket", "AF_INET, SOCK_DGRAM|SOCK_CLOEXEC",
                () -> Kernel.libc().socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)));
    }

    private static Pointer ifreq(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name longer than " + (IFNAMSIZ - 1) + " bytes: " + name);
        }
        Pointer ifreq = Memory.allocateDirect(Kernel.runtime(), IFREQ_SIZE, true);
        ifreq.put(0, bytes, 0, bytes.length);
        return ifreq;
    }
}
