package io.podshim.linux;

/**
 * mount(2), umount2(2) and pivot_root(2). They act on the calling thread's mount namespace: call
 * them from a {@link NamespaceStep} to act inside a pod, never from a pooled thread.
 */
public final class Mounts {
    private Mounts() {}

    /** mount(2). {@code source}, {@code fstype} and {@code data} may be null. */
    public static void mount(String source, String target, String fstype, long flags, String data) {
        String args = (source == null ? "none" : source) + ", " + target + ", " + (fstype == null ? "none" : fstype)
                + ", " + MountFlags.describe(flags) + (data == null ? "" : ", \"" + data + "\"");
        Kernel.check("mount", args, () -> Kernel.libc().mount(source, target, fstype, flags, data));
    }

    /** A bind mount of {@code source} on {@code target}; read-only needs a remount, as the kernel requires. */
    public static void bind(String source, String target, boolean recursive, boolean readOnly) {
        long rec = recursive ? MountFlags.MS_REC : 0;
        mount(source, target, null, MountFlags.MS_BIND | rec, null);
        if (readOnly) {
            mount(null, target, null, MountFlags.MS_BIND | MountFlags.MS_REMOUNT | MountFlags.MS_RDONLY | rec, null);
        }
    }

    /** Changes propagation: one of MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_UNBINDABLE, optionally with MS_REC. */
    public static void setPropagation(String target, long propagation) {
        mount(null, target, null, propagation, null);
    }

    public static void umount(String target, int flags) {
        Kernel.check("umount2", target + ", " + (flags == MountFlags.MNT_DETACH ? "MNT_DETACH" : Integer.toString(flags)),
                () -> Kernel.libc().umount2(target, flags));
    }

    /**
     * pivot_root(2). It changes the root of every thread in the mount namespace (KERNEL-NOTES #15), so it
     * belongs in a process of its own, not in a JVM thread that shares its mount namespace.
     */
    public static void pivotRoot(String newRoot, String putOld) {
        Kernel.checkLong("pivot_root", newRoot + ", " + putOld,
                () -> Kernel.libc().syscall(SyscallNumbers.PIVOT_ROOT, newRoot, putOld));
    }
}
