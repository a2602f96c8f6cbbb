package io.podshim.runtime.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.linux.StaticHelper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds test images as the tools that make real ones do: layer tars, OCI layouts and archives, docker save archives. */
public final class TestImages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {}

    /** One tar entry: a file ("name", content), a directory ("name/", null), a symlink ("name", "->target"), a hard link ("name", "=>target"). */
    public record Entry(String name, String content) {
        public static Entry file(String name, String content) {
            return new Entry(name, content);
        }

        public static Entry dir(String name) {
            return new Entry(name.endsWith("/") ? name : name + "/", null);
        }

        public static Entry symlink(String name, String target) {
            return new Entry(name, "->" + target);
        }

        public static Entry hardlink(String name, String target) {
            return new Entry(name, "=>" + target);
        }
    }

    public static byte[] layer(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry entry;
                if (e.content() == null) {
                    entry = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_DIR);
                    entry.setMode(040755);
                } else if (e.content().startsWith("->")) {
                    entry = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_SYMLINK);
                    entry.setLinkName(e.content().substring(2));
                } else if (e.content().startsWith("=>")) {
                    entry = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_LINK);
                    entry.setLinkName(e.content().substring(2));
                } else {
                    // Keep a leading "/" when a test asks for one: hostile archives have them.
                    entry = new TarArchiveEntry(e.name(), e.name().startsWith("/"));
                    entry.setSize(e.content().getBytes().length);
                    entry.setMode(0100644);
                }
                tar.putArchiveEntry(entry);
                if (entry.isFile() && !entry.isSymbolicLink() && !entry.isLink()) {
                    tar.write(e.content().getBytes());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A layer of one file {@code name} of {@code size} random bytes (which no compression shrinks), the same for the same seed. */
    public static byte[] randomLayer(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new java.util.Random(seed).nextBytes(data);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size + 4096);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(size);
            entry.setMode(0100644);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    /** A layer holding the host's static busybox with links for the applets the tests use. */
    public static byte[] busyboxLayer() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry bin = new TarArchiveEntry("bin/", TarArchiveEntry.LF_DIR);
            bin.setMode(040755);
            tar.putArchiveEntry(bin);
            tar.closeArchiveEntry();
            byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
            TarArchiveEntry file = new TarArchiveEntry("bin/busybox");
            file.setSize(busybox.length);
            file.setMode(0100755);
            tar.putArchiveEntry(file);
            tar.write(busybox);
            tar.closeArchiveEntry();
            for (String applet : List.of("sh", "echo", "cat", "env", "ls", "id")) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("busybox");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    public static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GzipCompressorOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    public static byte[] config(List<String> entrypoint, List<String> cmd, List<String> env) {
        ObjectNode root = JSON.createObjectNode();
        root.put("architecture", "amd64");
        root.put("os", "linux");
        ObjectNode config = root.putObject("config");
        if (entrypoint != null) {
            entrypoint.forEach(config.putArray("Entrypoint")::add);
        }
        if (cmd != null) {
            cmd.forEach(config.putArray("Cmd")::add);
        }
        env.forEach(config.putArray("Env")::add);
        config.put("WorkingDir", "/");
        return root.toString().getBytes();
    }

    /** How a layer blob is compressed, and the media type that says so. */
    public enum Compression {
        NONE("application/vnd.oci.image.layer.v1.tar"),
        GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),
        ZSTD("application/vnd.oci.image.layer.v1.tar+zstd");

        final String mediaType;

        Compression(String mediaType) {
            this.mediaType = mediaType;
        }

        byte[] apply(byte[] tar) throws IOException {
            if (this == NONE) {
                return tar;
            }
            if (this == GZIP) {
                return gzip(tar);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = new com.github.luben.zstd.ZstdOutputStream(bytes)) {
                out.write(tar);
            }
            return bytes.toByteArray();
        }
    }

    /** Writes an OCI image layout into {@code dir}, the layers gzipped, named {@code tag}. */
    public static Path ociLayout(Path dir, String tag, byte[] config, List<byte[]> layers) throws IOException {
        return ociLayout(dir, tag, config, layers, Compression.GZIP);
    }

    /** Writes an OCI image layout into {@code dir}, the layers compressed as {@code compression} says, named {@code tag}. */
    public static Path ociLayout(Path dir, String tag, byte[] config, List<byte[]> layers, Compression compression) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", blob(dir, config), config.length));
        ArrayNode layerArray = manifest.putArray("layers");
        for (byte[] layer : layers) {
            byte[] packed = compression.apply(layer);
            layerArray.add(descriptor(compression.mediaType, blob(dir, packed), packed.length));
        }
        byte[] manifestBytes = manifest.toString().getBytes();
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        ObjectNode entry = descriptor("application/vnd.oci.image.manifest.v1+json", blob(dir, manifestBytes), manifestBytes.length);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        index.putArray("manifests").add(entry);
        Files.writeString(dir.resolve("index.json"), index.toString());
        return dir;
    }

    /** A tar of {@code dir}'s contents, as an OCI archive or an extracted docker save is packed. */
    public static Path tarOf(Path dir, Path tarFile) throws IOException {
        try (OutputStream out = Files.newOutputStream(tarFile); TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
             Stream<Path> walk = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (p.equals(dir)) {
                    continue;
                }
                TarArchiveEntry entry = new TarArchiveEntry(p.toFile(), dir.relativize(p).toString());
                tar.putArchiveEntry(entry);
                if (Files.isRegularFile(p)) {
                    Files.copy(p, tar);
                }
                tar.closeArchiveEntry();
            }
        }
        return tarFile;
    }

    /** The layout {@code docker save} writes: manifest.json, the config, one uncompressed tar per layer. */
    public static Path dockerSaveDir(Path dir, String repoTag, byte[] config, List<byte[]> layers) throws IOException {
        Files.createDirectories(dir);
        ObjectNode withDiffIds = (ObjectNode) JSON.readTree(config);
        ArrayNode diffIds = withDiffIds.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        ObjectNode image = JSON.createObjectNode();
        ArrayNode layerPaths = JSON.createArrayNode();
        for (byte[] layer : layers) {
            String hex = StaticHelper.sha256(layer);
            Files.createDirectories(dir.resolve(hex));
            Files.write(dir.resolve(hex + "/layer.tar"), layer);
            layerPaths.add(hex + "/layer.tar");
            diffIds.add("sha256:" + hex);
        }
        byte[] fullConfig = withDiffIds.toString().getBytes();
        String configName = StaticHelper.sha256(fullConfig) + ".json";
        Files.write(dir.resolve(configName), fullConfig);
        image.put("Config", configName);
        image.putArray("RepoTags").add(repoTag);
        image.set("Layers", layerPaths);
        JSON.writeValue(dir.resolve("manifest.json").toFile(), JSON.createArrayNode().add(image));
        return dir;
    }

    private static String blob(Path dir, byte[] data) throws IOException {
        String hex = StaticHelper.sha256(data);
        Files.write(dir.resolve("blobs/sha256/" + hex), data);
        return "sha256:" + hex;
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }
}
