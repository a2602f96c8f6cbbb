package io.podshim.runtime.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the files of a ConfigMap, Secret, downward API or projected volume as kubelet does, so
 * that a reader in the container sees the old set or the new one, never a mix: the files go into a
 * fresh {@code ..<timestamp>} directory, a {@code ..data} link is swapped onto it by one
 * rename(2), and each top-level name is a link through {@code ..data}. The old directory goes
 * afterwards. A bind mount of the volume directory (not of a file in it) sees every swap; a subPath
 * mount holds the file it was given, as in Kubernetes.
 */
public final class AtomicWriter {
    public static final String DATA = "..data";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss");

    /** A file's bytes and permission bits. */
    public record FileContent(byte[] data, int mode) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FileContent f && f.mode == mode && Arrays.equals(f.data, data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data) * 31 + mode;
        }

        @Override
        public String toString() {
            return "FileContent[" + data.length + " bytes, mode " + Integer.toOctalString(mode) + "]"; // never the bytes: a Secret's
        }
    }

    private AtomicWriter() {}

    /**
     * Makes {@code dir} hold exactly {@code files} (relative path to content); returns whether
     * anything changed. {@code gid}: the group the files are given (an fsGroup), or null.
     */
    public static boolean write(Path dir, Map<String, FileContent> files, Long gid) throws IOException {
        Map<String, FileContent> wanted = new TreeMap<>(files);
        for (String path : wanted.keySet()) {
            check(path);
        }
        Files.createDirectories(dir);
        Path current = Files.isSymbolicLink(dir.resolve(DATA)) ? dir.resolve(Files.readSymbolicLink(dir.resolve(DATA))) : null;
        if (current != null && wanted.equals(read(current, wanted.keySet()))) {
            return false;
        }
        String stamp = ".." + LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + "." + Long.toUnsignedString(System.nanoTime() % 1_000_000_000L);
        Path fresh = dir.resolve(stamp);
        Files.createDirectory(fresh);
        for (Map.Entry<String, FileContent> f : wanted.entrySet()) {
            Path file = fresh.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, f.getValue().data());
            Files.setPosixFilePermissions(file, permissions(f.getValue().mode()));
            if (gid != null) {
                Files.setAttribute(file, "unix:gid", gid.intValue(), LinkOption.NOFOLLOW_LINKS);
            }
        }
        if (gid != null) {
            Files.setAttribute(fresh, "unix:gid", gid.intValue(), LinkOption.NOFOLLOW_LINKS);
        }
        Path tmp = dir.resolve("..data_tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(stamp));
        Files.move(tmp, dir.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Set<String> tops = new HashSet<>();
        for (String path : wanted.keySet()) {
            tops.add(path.split("/", 2)[0]);
        }
        for (String top : tops) {
            Path link = dir.resolve(top);
            try {
                Files.createSymbolicLink(link, Path.of(DATA, top));
            } catch (FileAlreadyExistsException e) {
                // there since an earlier version, already through ..data
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith("..")) {
                    if (!name.equals(DATA) && !name.equals(stamp) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                        io.podshim.runtime.FileTrees.delete(entry); // an older version
                    }
                } else if (!tops.contains(name) && Files.isSymbolicLink(entry)) {
                    Files.delete(entry); // a key that is gone
                }
            }
        }
        return true;
    }

    /** What {@code dir} holds now, as {@link #write} wrote it (an empty map before the first write). */
    static Map<String, FileContent> read(Path version, Set<String> paths) throws IOException {
        Map<String, FileContent> found = new TreeMap<>();
        try (var walk = Files.walk(version)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                    found.put(version.relativize(p).toString(), new FileContent(Files.readAllBytes(p), mode));
                }
            }
        }
        return found;
    }

    /** As kubelet validates a payload path: relative, no '..' element, not starting with '..'. */
    static void check(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.startsWith("..") || java.util.List.of(path.split("/")).contains("..")) {
            throw new IllegalArgumentException("\"" + path + "\" must be a relative path without '..' elements, not starting with '..'");
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }
}
