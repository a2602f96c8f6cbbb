package io.podshim.linux;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** mount(2) and umount2(2) flags, with their kernel names for error messages. */
public final class MountFlags {
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_REMOUNT = 32;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    public static final long MS_REC = 16384;
    public static final long MS_UNBINDABLE = 1 << 17;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;

    public static final int MNT_FORCE = 1;
    public static final int MNT_DETACH = 2;

    private static final Map<Long, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put(MS_RDONLY, "MS_RDONLY");
        NAMES.put(MS_NOSUID, "MS_NOSUID");
        NAMES.put(MS_NODEV, "MS_NODEV");
        NAMES.put(MS_NOEXEC, "MS_NOEXEC");
        NAMES.put(MS_REMOUNT, "MS_REMOUNT");
        NAMES.put(MS_BIND, "MS_BIND");
        NAMES.put(MS_MOVE, "MS_MOVE");
        NAMES.put(MS_REC, "MS_REC");
        NAMES.put(MS_UNBINDABLE, "MS_UNBINDABLE");
        NAMES.put(MS_PRIVATE, "MS_PRIVATE");
        NAMES.put(MS_SLAVE, "MS_SLAVE");
        NAMES.put(MS_SHARED, "MS_SHARED");
    }

    private MountFlags() {}

    /** {@code MS_REC|MS_SLAVE}; {@code 0} for none; unknown bits in hex. */
    public static String describe(long flags) {
        if (flags == 0) {
            return "0";
        }
        StringJoiner names = new StringJoiner("|");
        long rest = flags;
        for (Map.Entry<Long, String> entry : NAMES.entrySet()) {
            if ((rest & entry.getKey()) != 0) {
                names.add(entry.getValue());
                rest &= ~entry.getKey();
            }
        }
        if (rest != 0) {
            names.add("0x" + Long.toHexString(rest));
        }
        return names.toString();
    }
}
