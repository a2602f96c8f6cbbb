package io.podshim.pause;

import java.io.IOException;
import java.io.InputStream;
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
 * The pause program shipped inside this jar, installed where it may be executed: a root-owned
 * directory that no one else can write to (nor any of its parents), under a name that carries its
 * SHA-256, after checking the installed bytes against the shipped ones. A directory others can write
 * to would let them swap the binary that runs as PID 1 of every pod.
 */
public final class PauseBinary {
    static final String RESOURCE = "podshim-pause";
    /** Where the daemon installs it unless told otherwise; /run is root-owned tmpfs. */
    public static final Path DEFAULT_DIR = Path.of("/run/podshim/bin");

    private PauseBinary() {}

    /** Installs (or verifies an earlier install of) the pause in {@code dir}; returns its path. */
    public static Path install(Path dir) {
        byte[] shipped = shipped();
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
            Path target = real.resolve("podshim-pause-" + digest.substring(0, 16));
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && digest.equals(sha256(Files.readAllBytes(target)))
                    && isTrusted(target)) {
                return target;
            }
            Path temporary = Files.createTempFile(real, ".podshim-pause-", ".tmp");
            try {
                Files.write(temporary, shipped);
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("r-xr-xr-x"));
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
            if (!digest.equals(sha256(Files.readAllBytes(target)))) {
                throw new SandboxException("install pause at " + target + ": the written file does not match the shipped one");
            }
            return target;
        } catch (AtomicMoveNotSupportedException e) {
            throw new SandboxException("install pause in " + dir + ": the filesystem cannot rename atomically", e);
        } catch (IOException e) {
            throw new SandboxException("install pause in " + dir + ": " + e, e);
        }
    }

    private static byte[] shipped() {
        try (InputStream in = PauseBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new SandboxException("the pause binary is not in this build (resource io/podshim/pause/" + RESOURCE
                        + "): build podshim with ./mvnw package, which compiles it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SandboxException("read the shipped pause binary: " + e, e);
        }
    }

    /** {@code path} and each of its parents: owned by root, writable by no one else. */
    private static void requireTrusted(Path path, Path asked) throws IOException {
        for (Path p = path; p != null; p = p.getParent()) {
            if (!isTrusted(p)) {
                throw new SandboxException("pause install directory " + asked + " is not safe: " + p
                        + " is not owned by root or is writable by group or others; use a root-owned directory such as "
                        + DEFAULT_DIR);
            }
        }
    }

    private static boolean isTrusted(Path p) throws IOException {
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return uid == 0 && (mode & 0022) == 0;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
