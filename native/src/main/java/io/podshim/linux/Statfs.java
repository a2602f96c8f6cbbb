package io.podshim.linux;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** statfs(2): which filesystem a path lives on, by its magic number. */
public final class Statfs {
    public static final long TMPFS_MAGIC = 0x01021994L;
    public static final long PROC_SUPER_MAGIC = 0x9fa0L;
    public static final long SYSFS_MAGIC = 0x62656572L;
    public static final long CGROUP_SUPER_MAGIC = 0x27e0ebL;
    public static final long CGROUP2_SUPER_MAGIC = 0x63677270L;
    public static final long NSFS_MAGIC = 0x6e736673L;
    public static final long OVERLAYFS_SUPER_MAGIC = 0x794c7630L;

    // struct statfs is 120 bytes on x86_64 and aarch64; f_type is its first field, a long.
    private static final int STATFS_SIZE = 256;

    private Statfs() {}

    /** The {@code f_type} of the filesystem holding {@code path}. */
    public static long type(String path) {
        Pointer buf = Memory.allocateDirect(Kernel.runtime(), STATFS_SIZE, true);
        Kernel.check("statfs", path, () -> Kernel.libc().statfs(path, buf));
        return buf.getLong(0);
    }
}
