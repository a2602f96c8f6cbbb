package io.podshim.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The identity of one namespace: the device and inode of its nsfs file. Two processes are in the
 * same namespace of a kind exactly when these are equal (namespaces(7)). The inode alone is what
 * {@code readlink /proc/<pid>/ns/net} shows as {@code net:[4026531840]}.
 */
public record NamespaceId(Namespace kind, long device, long inode) {

    /** The namespace of {@code kind} that process {@code pid} is in. */
    public static NamespaceId of(long pid, Namespace kind) {
        return ofFile(kind, kind.procPath(pid));
    }

    /** The namespace behind an nsfs file: a {@code /proc/<pid>/ns/*} link or a bind mount of one. */
    public static NamespaceId ofFile(Namespace kind, Path file) {
        try {
            long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
            long device = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
            return new NamespaceId(kind, device, inode);
        } catch (NoSuchFileException e) {
            throw new SyscallException("stat", file.toString(), jnr.constants.platform.Errno.ENOENT);
        } catch (IOException e) {
            throw new UncheckedIOException("stat " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every namespace kind this kernel shows for {@code pid}, in declaration order. */
    public static Map<Namespace, NamespaceId> allOf(long pid) {
        Map<Namespace, NamespaceId> ids = new EnumMap<>(Namespace.class);
        for (Namespace kind : Namespace.values()) {
            if (Files.exists(kind.procPath(pid))) {
                ids.put(kind, of(pid, kind));
            }
        }
        return ids;
    }

    /** Whether two processes share the namespace of {@code kind}. */
    public static boolean shared(long pidA, long pidB, Namespace kind) {
        return of(pidA, kind).equals(of(pidB, kind));
    }

    @Override
    public String toString() {
        return kind.procName() + ":[" + inode + "]";
    }
}
