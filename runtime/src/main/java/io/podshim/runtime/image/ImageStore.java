package io.podshim.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.linux.StaticHelper;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * A local, content-addressed image store: {@code <root>/images/<config digest>/{config.json,rootfs}}
 * with names in {@code refs.properties}. Images come from an OCI image layout (directory), an OCI
 * archive, a {@code docker save} archive, or a plain rootfs directory (used in place). Layers are
 * verified against their digests and applied by {@link LayerExtractor} into a staging directory;
 * only a whole image is moved into place, so a refused one leaves nothing.
 */
public final class ImageStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The key suffix under which a name's manifest digest is kept (no reference contains '#'). */
    private static final String DIGEST = "#digest";

    private final Path root;

    public ImageStore(Path root) {
        this.root = root;
    }

    /**
     * Imports {@code source} under {@code name} (e.g. {@code busybox:1.35}; ":latest" is implied), or,
     * with {@code name} null, under the name the archive gives its image: a docker save archive's
     * {@code RepoTags}, an OCI layout's {@code org.opencontainers.image.ref.name} when it is a
     * reference and not a bare tag.
     */
    public StoredImage importImage(Path source, String name, ImportProgress progress) {
        String ref = name == null ? null : normalize(name);
        if (Files.isDirectory(source) && !Files.exists(source.resolve("oci-layout")) && !Files.exists(source.resolve("manifest.json"))) {
            if (ref == null) {
                throw PodException.invalid(source + " is a root filesystem, which carries no name: give one"
                        + " (podshim image import " + source + " NAME)");
            }
            return register(ref, "dir:" + StaticHelper.sha256(source.toAbsolutePath().toString().getBytes()).substring(0, 16),
                    source.toAbsolutePath(), ImageConfig.EMPTY, null);
        }
        Path staging = root.resolve("tmp").resolve(UUID.randomUUID().toString());
        try (ImageAssembly assembly = new ImageAssembly(this, staging)) {
            Path layout = source;
            if (!Files.isDirectory(source)) {
                layout = Files.createDirectory(staging.resolve("archive"));
                try (InputStream in = Files.newInputStream(source)) {
                    new LayerExtractor(layout, "archive " + source.getFileName()).apply(in);
                }
            }
            boolean dockerSave = Files.exists(layout.resolve("manifest.json"));
            if (ref == null) {
                ref = normalize(dockerSave ? DockerSave.name(layout, source) : OciLayout.name(layout, source));
            }
            Manifest manifest = dockerSave ? DockerSave.read(layout, ref) : OciLayout.read(layout, ref);
            byte[] config = Files.readAllBytes(layout.resolve(manifest.config()));
            String id = "sha256:" + StaticHelper.sha256(config);
            Optional<StoredImage> had = nameIfStored(ref, id, manifest.digest());
            if (had.isPresent()) {
                return had.get();
            }
            for (int i = 0; i < manifest.layers().size(); i++) {
                Manifest.Layer layer = manifest.layers().get(i);
                progress.layer(i + 1, manifest.layers().size(), layer.digest());
                assembly.apply(layout.resolve(layer.path()), layer.digest(), false);
            }
            return assembly.commit(ref, config, manifest.digest());
        } catch (IOException | UncheckedIOException e) {
            throw new PodException("import " + source + (ref == null ? "" : " as " + ref) + ": " + e, e);
        } catch (PodException e) {
            throw new PodException("import " + source + (ref == null ? "" : " as " + ref) + ": " + e.getMessage(), e);
        }
    }

    /** Starts an image in the staging area, to be committed whole or closed without a trace. */
    public ImageAssembly assemble() {
        try {
            return new ImageAssembly(this, root.resolve("tmp").resolve(UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("make a staging directory in " + root.resolve("tmp") + ": " + e, e);
        }
    }

    /** An assembled {@code image} moved into place as {@code id} (unless the same image got there first), named {@code ref}. */
    StoredImage place(Path image, String id, String ref, String manifestDigest) {
        Path done = root.resolve("images").resolve(id.replace(':', '-'));
        try {
            Files.createDirectories(done.getParent());
            if (!Files.isDirectory(done)) {
                Files.move(image, done, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException sameImage) {
            // put there meanwhile by another import or pull: theirs is the same content
        } catch (IOException e) {
            throw new UncheckedIOException("move " + image + " to " + done + ": " + e, e);
        }
        return register(ref, id, done.resolve("rootfs"), readConfig(done.resolve("config.json")), manifestDigest);
    }

    /** The store's own staging area, where pulls keep the blobs they fetch until they are unpacked. */
    public Path stagingDir() {
        return root.resolve("tmp");
    }

    /** The image named {@code name}, if the store has it. */
    public Optional<StoredImage> find(String name) {
        String ref = normalize(name);
        String id = refs().getProperty(ref);
        if (id == null) {
            return Optional.empty();
        }
        if (id.startsWith("dir:")) {
            return Optional.of(new StoredImage(id, ref, Path.of(refs().getProperty(ref + ".path")), ImageConfig.EMPTY));
        }
        Path dir = root.resolve("images").resolve(id.replace(':', '-'));
        return Optional.of(new StoredImage(id, ref, dir.resolve("rootfs"), readConfig(dir.resolve("config.json"))));
    }

    /**
     * Names the image with id {@code id} {@code name} if the store has it (a pull whose manifest
     * points at an image already here needs no blob fetched).
     */
    public Optional<StoredImage> nameIfStored(String name, String id, String manifestDigest) {
        Path dir = root.resolve("images").resolve(id.replace(':', '-'));
        if (!id.matches("sha256:[a-f0-9]{64}") || !Files.isDirectory(dir)) {
            return Optional.empty();
        }
        return Optional.of(register(normalize(name), id, dir.resolve("rootfs"), readConfig(dir.resolve("config.json")),
                manifestDigest));
    }

    /**
     * Removes the name {@code name}, and the image's files once no other name refers to them (a
     * plain directory imported in place is the user's and stays). Returns what the name referred to.
     */
    public synchronized StoredImage remove(String name) {
        StoredImage image = find(name).orElseThrow(() -> PodException.notFound("image \"" + name + "\" not found: "
                + "podshim image ls lists the images there are"));
        Properties refs = refs();
        refs.remove(image.name());
        refs.remove(image.name() + ".path");
        refs.remove(image.name() + DIGEST);
        writeRefs(refs);
        if (!image.id().startsWith("dir:") && !refs.containsValue(image.id())) {
            removeTree(root.resolve("images").resolve(image.id().replace(':', '-')));
        }
        return image;
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        refs().stringPropertyNames().stream().filter(n -> !n.endsWith(".path") && !n.endsWith(DIGEST)).sorted().forEach(names::add);
        return names;
    }

    /**
     * What {@code image ls} shows of image {@code name}: repository, tag, the digest of its manifest
     * (none for a docker save archive or a plain directory), id, and the size of its unpacked files.
     */
    public Optional<ImageInfo> info(String name) {
        return find(name).map(image -> {
            String digest = refs().getProperty(image.name() + DIGEST);
            long size = -1;
            Path sizeFile = image.rootfs().resolveSibling("size");
            if (!image.id().startsWith("dir:") && Files.exists(sizeFile)) {
                try {
                    size = Long.parseLong(Files.readString(sizeFile).trim());
                } catch (IOException | NumberFormatException e) {
                    size = -1; // shown as unknown
                }
            }
            return ImageInfo.of(image.name(), digest, image.id(), size);
        });
    }

    /** "busybox" is "busybox:latest", as a container runtime reads an image reference. */
    public static String normalize(String name) {
        if (name == null || name.isBlank() || name.contains(" ") || name.contains("=")) {
            throw PodException.invalid("image name \"" + name + "\" is not a reference: use NAME[:TAG], e.g. busybox:1.35");
        }
        int slash = name.lastIndexOf('/');
        return name.indexOf(':', slash + 1) < 0 && !name.contains("@") ? name + ":latest" : name;
    }

    private synchronized StoredImage register(String ref, String id, Path rootfs, ImageConfig config, String manifestDigest) {
        Properties refs = refs();
        refs.setProperty(ref, id);
        if (manifestDigest != null) {
            refs.setProperty(ref + DIGEST, manifestDigest);
        } else {
            refs.remove(ref + DIGEST);
        }
        if (id.startsWith("dir:")) {
            refs.setProperty(ref + ".path", rootfs.toString());
        }
        writeRefs(refs);
        return new StoredImage(id, ref, rootfs, config);
    }

    private void writeRefs(Properties refs) {
        try {
            Files.createDirectories(root);
            Path temporary = root.resolve("refs.properties.tmp");
            try (Writer out = Files.newBufferedWriter(temporary)) {
                refs.store(out, "podshim image names");
            }
            Files.move(temporary, root.resolve("refs.properties"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("write " + root.resolve("refs.properties") + ": " + e, e);
        }
    }

    private Properties refs() {
        Properties refs = new Properties();
        Path file = root.resolve("refs.properties");
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                refs.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("read " + file + ": " + e, e);
            }
        }
        return refs;
    }

    private static ImageConfig readConfig(Path file) {
        try {
            return ImageConfig.parse(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new PodException("read image config " + file + ": " + e, e);
        }
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new PodException("read " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static void removeTree(Path dir) {
        try {
            io.podshim.runtime.FileTrees.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + dir + ": " + e, e);
        }
    }
}
