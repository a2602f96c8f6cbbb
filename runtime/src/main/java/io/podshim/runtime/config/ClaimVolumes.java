package io.podshim.runtime.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The node-local volumes behind PersistentVolumeClaims, as podman's named volumes: a directory
 * {@code <root>/<namespace>/<claim>} made when the claim is applied or first used, kept when its
 * pods go, removed only when asked. Thread-safe (the file system is the state).
 */
public final class ClaimVolumes {
    /** One volume: its claim's namespace and name, and where it is. */
    public record Info(String namespace, String name, Path path) {}

    private final Path root;

    public ClaimVolumes(Path root) {
        this.root = root;
    }

    /** The volume of claim {@code name} in {@code namespace}, made if it is not there yet. */
    public synchronized Path ensure(String namespace, String name) {
        Path dir = path(namespace, name);
        try {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root);
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
            }
            Files.createDirectories(dir.getParent());
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir);
                // Like an emptyDir: any container user may write to a claim no fsGroup was given.
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("make the volume of claim " + namespace + "/" + name + " in " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    public Path path(String namespace, String name) {
        return root.resolve(namespace).resolve(name);
    }

    public synchronized boolean exists(String namespace, String name) {
        return Files.isDirectory(path(namespace, name));
    }

    /** Every volume, by namespace and name. */
    public synchronized List<Info> list() {
        List<Info> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (var namespaces = Files.list(root)) {
            for (Path ns : namespaces.sorted().toList()) {
                try (var claims = Files.list(ns)) {
                    for (Path claim : claims.sorted().toList()) {
                        found.add(new Info(ns.getFileName().toString(), claim.getFileName().toString(), claim));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("list the volumes in " + root + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** Removes the volume and everything in it. */
    public synchronized void remove(String namespace, String name) {
        try {
            io.podshim.runtime.FileTrees.delete(path(namespace, name));
        } catch (IOException e) {
            throw new UncheckedIOException("remove the volume of claim " + namespace + "/" + name + ": " + e.getMessage(), e);
        }
    }
}
