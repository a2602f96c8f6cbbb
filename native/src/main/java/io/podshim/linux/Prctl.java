package io.podshim.linux;

import java.nio.charset.StandardCharsets;

/** The prctl(2) options podshim uses. They act on the calling thread or process as prctl(2) says. */
public final class Prctl {
    private static final int PR_SET_NAME = 15;
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int PR_GET_CHILD_SUBREAPER = 37;
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int PR_GET_NO_NEW_PRIVS = 39;

    private Prctl() {}

    /** Names the calling thread (15 bytes at most, as the kernel truncates). */
    public static void setThreadName(String name) {
        byte[] bytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        Kernel.check("prctl", "PR_SET_NAME, " + name, () -> Kernel.libc().prctl(PR_SET_NAME, bytes, 0, 0, 0));
    }

    /** Makes this process the reaper of orphaned descendants (affects the whole process). */
    public static void setChildSubreaper(boolean on) {
        Kernel.check("prctl", "PR_SET_CHILD_SUBREAPER, " + (on ? 1 : 0),
                () -> Kernel.libc().prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0));
    }

    public static boolean isChildSubreaper() {
        // The kernel writes an int through the pointer passed as arg2.
        jnr.ffi.Pointer value = jnr.ffi.Memory.allocateDirect(Kernel.runtime(), 4, true);
        Kernel.check("prctl", "PR_GET_CHILD_SUBREAPER",
                () -> Kernel.libc().prctl(PR_GET_CHILD_SUBREAPER, value.address(), 0, 0, 0));
        return value.getInt(0) != 0;
    }

    /** Sets no_new_privs for the calling thread and everything it spawns from now on. */
    public static void setNoNewPrivs() {
        Kernel.check("prctl", "PR_SET_NO_NEW_PRIVS, 1", () -> Kernel.libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    }

    public static boolean noNewPrivs() {
        return Kernel.check("prctl", "PR_GET_NO_NEW_PRIVS", () -> Kernel.libc().prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)) == 1;
    }
}
