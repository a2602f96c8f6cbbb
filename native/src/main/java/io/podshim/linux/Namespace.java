package io.podshim.linux;

import java.nio.file.Path;
import java.util.Collection;
import java.util.StringJoiner;

/** The Linux namespace kinds, with their clone flag and their file under {@code /proc/<pid>/ns/}. */
public enum Namespace {
    // Declaration order is the order namespaces are joined from files: mnt last, as runc does, so
    // that nothing resolved after it is looked up in a foreign root.
    USER(0x10000000, "user", "CLONE_NEWUSER"),
    IPC(0x08000000, "ipc", "CLONE_NEWIPC"),
    UTS(0x04000000, "uts", "CLONE_NEWUTS"),
    NET(0x40000000, "net", "CLONE_NEWNET"),
    PID(0x20000000, "pid", "CLONE_NEWPID"),
    CGROUP(0x02000000, "cgroup", "CLONE_NEWCGROUP"),
    TIME(0x00000080, "time", "CLONE_NEWTIME"),
    MNT(0x00020000, "mnt", "CLONE_NEWNS");

    static final int CLONE_FS = 0x00000200;

    private final int cloneFlag;
    private final String procName;
    private final String flagName;

    Namespace(int cloneFlag, String procName, String flagName) {
        this.cloneFlag = cloneFlag;
        this.procName = procName;
        this.flagName = flagName;
    }

    public int cloneFlag() {
        return cloneFlag;
    }

    /** The name of the file in {@code /proc/<pid>/ns/}, also what people call it: net, pid, mnt… */
    public String procName() {
        return procName;
    }

    public String flagName() {
        return flagName;
    }

    public Path procPath(long pid) {
        return Path.of("/proc", Long.toString(pid), "ns", procName);
    }

    static int flagsOf(Collection<Namespace> kinds) {
        int flags = 0;
        for (Namespace kind : kinds) {
            flags |= kind.cloneFlag;
        }
        return flags;
    }

    /** {@code CLONE_NEWNET|CLONE_NEWPID} for error messages; unknown bits are shown in hex. */
    static String describeFlags(int flags) {
        StringJoiner names = new StringJoiner("|");
        int rest = flags;
        if ((rest & CLONE_FS) != 0) {
            names.add("CLONE_FS");
            rest &= ~CLONE_FS;
        }
        for (Namespace kind : values()) {
            if ((rest & kind.cloneFlag) != 0) {
                names.add(kind.flagName);
                rest &= ~kind.cloneFlag;
            }
        }
        if (rest != 0 || flags == 0) {
            names.add("0x" + Integer.toHexString(rest));
        }
        return names.toString();
    }
}
