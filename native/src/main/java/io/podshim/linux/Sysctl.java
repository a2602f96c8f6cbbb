package io.podshim.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kernel parameter of {@code /proc/sys}. A namespaced one (net.*, kernel.shm*, …) is looked up in
 * the namespaces of the thread that opens it, so a thread that joined a pod's net or ipc namespace
 * sets the pod's value, not the node's (KERNEL-NOTES: sysctls follow the opening thread).
 */
public final class Sysctl {
    private Sysctl() {}

    /** {@code /proc/sys/net/ipv4/ip_local_port_range} for {@code net.ipv4.ip_local_port_range}. */
    public static Path path(String name) {
        return Path.of("/proc/sys", name.replace('.', '/'));
    }

    public static void write(String name, String value) {
        Path file = path(name);
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new SyscallException("write", file + ", \"" + value + "\"", errno(e));
        }
    }

    public static String read(String name) {
        try {
            return Files.readString(path(name), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new SyscallException("read", path(name).toString(), errno(e));
        }
    }

    /** The errno behind a failed read or write, as the JDK words it ("Invalid argument"). */
    private static jnr.constants.platform.Errno errno(IOException e) {
        String reason = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return jnr.constants.platform.Errno.ENOENT;
        }
        for (jnr.constants.platform.Errno errno : jnr.constants.platform.Errno.values()) {
            if (errno.defined() && errno.description().equals(reason)) {
                return errno;
            }
        }
        return jnr.constants.platform.Errno.EIO;
    }
}
