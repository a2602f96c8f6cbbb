package io.podshim.linux;

import java.util.List;
import java.util.Map;

/** Linux capabilities (capabilities(7)) by their kernel names, as bit masks for the exec stage. */
public final class Capabilities {
    private static final List<String> NAMES = List.of("CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID",
            "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN",
            "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
            "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE",
            "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
            "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE");
    private static final Map<String, Integer> BITS;

    static {
        Map<String, Integer> bits = new java.util.HashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            bits.put(NAMES.get(i), i);
        }
        BITS = Map.copyOf(bits);
    }

    /** What docker, containerd and CRI-O give a container unless told otherwise. */
    public static final long DEFAULT = of(List.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW",
            "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"));

    /** Every capability this list knows: what a privileged container keeps. */
    public static final long ALL = (1L << NAMES.size()) - 1;

    private Capabilities() {}

    /**
     * The capabilities this process may hand on (its bounding set, /proc/self/status CapBnd): a
     * privileged container gets these, not {@link #ALL}, since capset(2) refuses any beyond it
     * (EPERM), as containerd gives a privileged container its own set. {@link #ALL} if unreadable.
     */
    public static long bounding() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    return Long.parseUnsignedLong(line.substring("CapBnd:".length()).strip(), 16) & ALL;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // no such line on this kernel: assume every capability
        }
        return ALL;
    }

    /** The names of the capabilities in {@code mask}, in the kernel's order (for messages). */
    public static List<String> names(long mask) {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                names.add(NAMES.get(i));
            }
        }
        return names;
    }

    /**
     * The mask of {@code names}, spelled as in Kubernetes' securityContext ({@code NET_ADMIN}) or with
     * the kernel's prefix ({@code CAP_NET_ADMIN}); an unknown name fails, naming it.
     */
    public static long of(List<String> names) {
        long mask = 0;
        for (String name : names) {
            String bare = name.toUpperCase(java.util.Locale.ROOT).replaceFirst("^CAP_", "");
            Integer bit = BITS.get(bare);
            if (bit == null) {
                throw new IllegalArgumentException("unknown capability \"" + name + "\": use a name from capabilities(7), e.g. NET_ADMIN");
            }
            mask |= 1L << bit;
        }
        return mask;
    }
}
