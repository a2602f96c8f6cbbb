package io.podshim.runtime.container;

import io.podshim.linux.MountFlags;
import io.podshim.linux.Mounts;
import io.podshim.linux.Namespace;
import io.podshim.linux.NamespaceThread;
import io.podshim.linux.SyscallException;
import io.podshim.pause.PodSandbox;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's volumes on the node, and the bind mounts a container's volumeMounts make of them.
 * emptyDir lives in {@code <sandbox>/volumes/<name>} (a tmpfs for medium Memory, mounted in the
 * pod's mount namespace only, so it dies with the pod); hostPath is checked against its type as
 * kubelet checks it. Errors name the manifest field.
 */
public final class PodVolumes {
    private final Map<String, Path> paths;
    private final Map<String, Volume.Source> sources = new LinkedHashMap<>();

    private PodVolumes(Map<String, Path> paths, List<Volume> volumes) {
        this.paths = paths;
        volumes.forEach(v -> sources.put(v.name(), v.source()));
    }

    /** Prepares every volume of {@code sandbox}'s pod, before any container starts (a pod without claims). */
    public static PodVolumes prepare(PodSandbox sandbox, List<Volume> volumes) {
        return prepare(sandbox, volumes, Map.of(), null, null);
    }

    /**
     * Prepares every volume of {@code sandbox}'s pod, before any container starts: {@code claims}
     * holds the directory of each persistentVolumeClaim volume and the root of each image volume's
     * image, by volume name; with an
     * {@code fsGroup}, emptyDirs and claims are made the group's as kubelet makes them
     * ({@code fsGroupChangePolicy} Always or OnRootMismatch, null for Always).
     */
    public static PodVolumes prepare(PodSandbox sandbox, List<Volume> volumes, Map<String, Path> claims, Long fsGroup,
                                     String fsGroupChangePolicy) {
        Map<String, Path> paths = new LinkedHashMap<>();
        for (int i = 0; i < volumes.size(); i++) {
            Volume volume = volumes.get(i);
            String field = "spec.volumes[" + i + "]";
            if (paths.containsKey(volume.name())) {
                throw PodException.invalid(field + ".name", "\"" + volume.name() + "\" is used by another volume: names must be unique");
            }
            if (volume.source() instanceof Volume.EmptyDir emptyDir) {
                paths.put(volume.name(), emptyDir(sandbox, volume.name(), emptyDir, field));
            } else if (volume.source() instanceof Volume.HostPath hostPath) {
                paths.put(volume.name(), hostPath(hostPath, field));
            } else if (volume.source() instanceof Volume.Projection) {
                Path dir = sandbox.volumesDir().resolve(volume.name());
                try {
                    Files.createDirectories(dir);
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                } catch (IOException e) {
                    throw new PodException(field + ": create " + dir + ": " + e, e);
                }
                paths.put(volume.name(), dir);
            } else if (volume.source() instanceof Volume.Image image) {
                Path root = claims.get(volume.name());
                if (root == null) {
                    throw PodException.invalid(field + ".image.reference", "image " + image.reference() + " is not in the store");
                }
                paths.put(volume.name(), root);
            } else if (volume.source() instanceof Volume.Claim claim) {
                Path dir = claims.get(volume.name());
                if (dir == null) {
                    throw PodException.invalid(field + ".persistentVolumeClaim.claimName", "claim \"" + claim.claimName()
                            + "\" has no volume on this node");
                }
                paths.put(volume.name(), dir);
            }
            if (fsGroup != null && (volume.source() instanceof Volume.EmptyDir || volume.source() instanceof Volume.Claim)) {
                try {
                    VolumeOwnership.apply(paths.get(volume.name()), fsGroup, "OnRootMismatch".equals(fsGroupChangePolicy));
                } catch (IOException e) {
                    throw new PodException(field + ": give it to fsGroup " + fsGroup + ": " + e, e);
                }
            }
        }
        return new PodVolumes(paths, volumes);
    }

    /**
     * Writes every configMap, secret, downwardAPI and projected volume's files (by volume name), as
     * {@link io.podshim.runtime.config.AtomicWriter} writes them; {@code gid} is the fsGroup, or null.
     */
    public void project(Map<String, Map<String, io.podshim.runtime.config.AtomicWriter.FileContent>> files, Long gid) {
        files.forEach((name, each) -> project(name, each, gid));
    }

    /** Makes volume {@code name} hold {@code files}, swapped in at once; whether anything changed. */
    public boolean project(String name, Map<String, io.podshim.runtime.config.AtomicWriter.FileContent> files, Long gid) {
        Path dir = paths.get(name);
        if (dir == null) {
            throw new IllegalStateException("no volume " + name);
        }
        try {
            return io.podshim.runtime.config.AtomicWriter.write(dir, files, gid);
        } catch (IOException | IllegalArgumentException e) {
            throw new PodException("MountVolume.SetUp failed for volume \"" + name + "\" : write " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The volumes of a pod prepared earlier (by a daemon since restarted): their paths, with nothing
     * created or mounted again; a Memory emptyDir's tmpfs lives on in the pod's mount namespace.
     */
    public static PodVolumes reopen(PodSandbox sandbox, List<Volume> volumes, Map<String, Path> claims) {
        Map<String, Path> paths = new LinkedHashMap<>();
        for (Volume volume : volumes) {
            paths.put(volume.name(), volume.source() instanceof Volume.HostPath hostPath ? Path.of(hostPath.path())
                    : volume.source() instanceof Volume.Claim || volume.source() instanceof Volume.Image ? claims.get(volume.name())
                    : sandbox.volumesDir().resolve(volume.name()));
        }
        return new PodVolumes(paths, volumes);
    }

    /** The bind mounts for a container's volumeMounts; {@code field} is e.g. {@code spec.containers[0]}. */
    public List<BindMount> mountsFor(List<VolumeMount> mounts, String field) {
        List<BindMount> binds = new ArrayList<>();
        for (int i = 0; i < mounts.size(); i++) {
            VolumeMount mount = mounts.get(i);
            String at = field + ".volumeMounts[" + i + "]";
            Path volume = paths.get(mount.name());
            if (volume == null) {
                throw PodException.invalid(at + ".name", "no volume named \"" + mount.name() + "\" in spec.volumes");
            }
            if (!mount.mountPath().startsWith("/")) {
                throw PodException.invalid(at + ".mountPath", "\"" + mount.mountPath() + "\" must be an absolute path");
            }
            Path source = volume;
            if (mount.subPath() != null && !mount.subPath().isEmpty()) {
                if (mount.subPath().startsWith("/") || List.of(mount.subPath().split("/")).contains("..")) {
                    throw PodException.invalid(at + ".subPath", "\"" + mount.subPath() + "\" must be a relative path without '..'");
                }
                // Links inside the volume are followed inside it, never out (as inside a rootfs).
                source = RootfsPath.resolve(volume, mount.subPath());
                boolean written = sources.get(mount.name()) instanceof Volume.Projection || sources.get(mount.name()) instanceof Volume.Image;
                if (written && !Files.exists(source)) {
                    // Its files are the volume source's: a path it does not hold is not made up.
                    throw PodException.invalid(at + ".subPath", "\"" + mount.subPath() + "\" is not in volume " + mount.name());
                }
                try {
                    if (!Files.exists(source)) {
                        Files.createDirectories(source);
                    }
                } catch (IOException e) {
                    throw new PodException(at + ".subPath: create " + source + ": " + e, e);
                }
            }
            // As kubelet mounts them: ConfigMap, Secret, downward API, projected and image volumes are read-only, and so is a
            // read-only claim.
            boolean readOnly = mount.readOnly() || sources.get(mount.name()) instanceof Volume.Projection
                    || sources.get(mount.name()) instanceof Volume.Image
                    || sources.get(mount.name()) instanceof Volume.Claim claim && claim.readOnly();
            try {
                binds.add(new BindMount(source, mount.mountPath(), readOnly));
            } catch (IllegalArgumentException e) {
                throw PodException.invalid(at + ".mountPath", e.getMessage());
            }
        }
        return binds;
    }

    private static Path emptyDir(PodSandbox sandbox, String name, Volume.EmptyDir spec, String field) {
        Path dir = sandbox.volumesDir().resolve(name);
        try {
            Files.createDirectories(dir);
            // kubelet makes emptyDir world-writable, so any container user can use it.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException e) {
            throw new PodException(field + ": create " + dir + ": " + e, e);
        }
        switch (spec.medium() == null ? "" : spec.medium()) {
            case "" -> { }
            case "Memory" -> {
                String size = spec.sizeLimitBytes() == null ? "" : ",size=" + spec.sizeLimitBytes();
                try {
                    NamespaceThread.call(sandbox.joinPlan("volume-" + name, EnumSet.of(Namespace.MNT))
                            .then(() -> Mounts.mount("tmpfs", dir.toString(), "tmpfs",
                                    MountFlags.MS_NOSUID | MountFlags.MS_NODEV, "mode=1777" + size)).build(), () -> null);
                } catch (SyscallException e) {
                    throw new PodException(field + ".emptyDir: " + e.getMessage(), e);
                }
            }
            default -> throw PodException.invalid(field + ".emptyDir.medium", "\"" + spec.medium()
                    + "\" is not supported: use \"\" (node disk) or \"Memory\"");
        }
        return dir;
    }

    private static Path hostPath(Volume.HostPath spec, String field) {
        Path path = Path.of(spec.path());
        String at = field + ".hostPath";
        if (!path.isAbsolute()) {
            throw PodException.invalid(at + ".path", "\"" + spec.path() + "\" must be an absolute path");
        }
        String type = spec.type() == null ? "" : spec.type();
        try {
            switch (type) {
                case "" -> { }
                case "DirectoryOrCreate" -> {
                    if (!Files.exists(path)) {
                        Files.createDirectories(path);
                    }
                    require(Files.isDirectory(path), at, path, "is not a directory", type);
                }
                case "Directory" -> require(Files.isDirectory(path), at, path, "is not an existing directory", type);
                case "FileOrCreate" -> {
                    if (!Files.exists(path)) {
                        Files.createFile(path);
                    }
                    require(Files.isRegularFile(path), at, path, "is not a file", type);
                }
                case "File" -> require(Files.isRegularFile(path), at, path, "is not an existing file", type);
                case "Socket", "CharDevice", "BlockDevice" -> require(isType(path, type), at, path, "is not a " + type, type);
                default -> throw PodException.invalid(at + ".type", "\"" + type + "\" is not a hostPath type: use \"\", "
                        + "DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice");
            }
        } catch (IOException e) {
            throw new PodException(at + ".path: " + path + ": " + e, e);
        }
        return path;
    }

    private static boolean isType(Path path, String type) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        int format = mode & 0170000;
        return switch (type) {
            case "Socket" -> format == 0140000;
            case "CharDevice" -> format == 0020000;
            default -> format == 0060000;
        };
    }

    private static void require(boolean ok, String at, Path path, String problem, String type) {
        if (!ok) {
            throw PodException.invalid(at + ".path", path + " " + problem + " (type " + type + ")");
        }
    }
}
