package io.podshim.linux;

import java.nio.charset.StandardCharsets;

/**
 * Writes to the kernel's interface files (cgroupfs, procfs, sysfs), where the errno of write(2) or
 * rmdir(2) is the kernel's only answer to why a value was refused: EINVAL for a malformed limit,
 * EBUSY for a cgroup that still has processes. java.nio reduces it to a message string.
 */
public final class KernelFiles {
    private KernelFiles() {}

    /** Writes {@code value} in one write(2), as these files require, to an existing file. */
    public static void write(String path, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        try (Fd fd = Fd.open(path, Fd.O_WRONLY | Fd.O_TRUNC)) {
            int raw = fd.value();
            long written = Kernel.checkLong("write", path + ", \"" + value + "\"",
                    () -> Kernel.libc().write(raw, bytes, bytes.length));
            if (written != bytes.length) {
                throw new IllegalStateException("write(" + path + "): " + written + " of " + bytes.length + " bytes taken");
            }
        }
    }

    /** rmdir(2): removes a cgroup (an empty directory) and reports EBUSY as such. */
    public static void rmdir(String path) {
        Kernel.check("rmdir", path, () -> Kernel.libc().rmdir(path));
    }
}
