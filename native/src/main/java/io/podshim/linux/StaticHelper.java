package io.podshim.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A static helper program shipped inside a jar (the pause, the exec stage), installed where it may
 * be executed: a directory owned by root that no one else can write to, nor any of its parents,
 * under a name that carries its SHA-256, after checking the installed bytes against the shipped
 * ones. A directory others can write to would let them swap a binary that runs in every pod.
 */
public final class StaticHelper {
    private StaticHelper() {}

    /**
     * Installs (or verifies an earlier install of) resource {@code name} of {@code owner}'s package
     * in {@code dir}; returns the path of the installed program.
     *
     * @throws IllegalStateException if {@code dir} is not safe or the resource is missing
     * @throws UncheckedIOException if writing fails
     */
    public static Path install(Class<?> owner, String name, Path dir) {
        byte[] shipped = shipped(owner, name);
        String digest = sha256(shipped);
        try {
            // Check the parents before creating anything, so a refused install leaves nothing behind.
            Path existing = dir.toAbsolutePath();
            while (!Files.exists(existing)) {
                existing = existing.getParent();
            }
            requireTrusted(existing.toRealPath(), dir);
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Path real = dir.toRealPath();
            requireTrusted(real, dir);
            Path target = real.resolve(name + "-" + digest.substring(0, 16));
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && digest.equals(sha256(Files.readAllBytes(target)))
                    && isTrusted(target)) {
                return target;
            }
            Path temporary = Files.createTempFile(real, "." + name + "-", ".tmp");
            try {
                Files.write(temporary, shipped);
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("r-xr-xr-x"));
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
            if (!digest.equals(sha256(Files.readAllBytes(target)))) {
                throw new IllegalStateException("install " + name + " at " + target + ": the written file does not match the shipped one");
            }
            return target;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IllegalStateException("install " + name + " in " + dir + ": the filesystem cannot rename atomically", e);
        } catch (IOException e) {
            throw new UncheckedIOException("install " + name + " in " + dir + ": " + e, e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] shipped(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not in this build (resource " + owner.getPackageName().replace('.', '/')
                        + "/" + name + "): build podshim with ./mvnw package, which compiles it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("read the shipped " + name + ": " + e, e);
        }
    }

    /** {@code path} and each of its parents: owned by root, writable by no one else. */
    private static void requireTrusted(Path path, Path asked) throws IOException {
        for (Path p = path; p != null; p = p.getParent()) {
            if (!isTrusted(p)) {
                throw new IllegalStateException("install directory " + asked + " is not safe: " + p
                        + " is not owned by root or is writable by group or others; use a root-owned directory such as /run/podshim/bin");
            }
        }
    }

    private static boolean isTrusted(Path p) throws IOException {
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return uid == 0 && (mode & 0022) == 0;
    }
}
