package io.podshim.runtime.image;

import io.podshim.runtime.FileTrees;
import io.podshim.runtime.PodException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Applies one image layer (a tar, plain, gzip or zstd) onto a root filesystem being built, as an OCI
 * runtime does: whiteouts ({@code .wh.name}) delete what lower layers put there, an opaque marker
 * ({@code .wh..wh..opq}) empties a directory of lower layers' entries. It never follows a symlink
 * while writing, so a layer cannot reach outside the root: an entry with a {@code ..} component,
 * an absolute name, a path through a symlink, a relative symlink that climbs out of the root, or a
 * hard link to outside is refused, and the caller discards the whole image.
 */
final class LayerExtractor {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final Path root;
    private final String layer;
    private final Set<String> written = new HashSet<>();

    LayerExtractor(Path root, String layer) {
        this.root = root;
        this.layer = layer;
    }

    /** Applies the tar in {@code in}; gzip and zstd are recognised by their magic bytes. */
    void apply(InputStream in) throws IOException {
        // Large reads: a layer is tens of megabytes, and each small read is a call through the decompressor.
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 17);
        buffered.mark(4);
        int b0 = buffered.read();
        int b1 = buffered.read();
        int b2 = buffered.read();
        int b3 = buffered.read();
        buffered.reset();
        InputStream tarStream = buffered;
        if (b0 == 0x1f && b1 == 0x8b) {
            tarStream = new GzipCompressorInputStream(buffered, true);
        } else if (b0 == 0x28 && b1 == 0xb5 && b2 == 0x2f && b3 == 0xfd) {
            tarStream = new org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream(buffered);
        }
        TarArchiveInputStream tar = new TarArchiveInputStream(tarStream);
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            apply(entry, tar);
        }
    }

    private void apply(TarArchiveEntry entry, InputStream data) throws IOException {
        String name = normalize(entry.getName());
        if (name.isEmpty()) {
            return; // the root itself
        }
        int slash = name.lastIndexOf('/');
        String dirName = slash < 0 ? "" : name.substring(0, slash);
        String base = name.substring(slash + 1);
        if (base.equals(OPAQUE)) {
            emptyDirectory(dirName);
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            Path gone = parentOf(dirName).resolve(base.substring(WHITEOUT.length()));
            FileTrees.delete(gone);
            return;
        }
        Path target = parentOf(dirName).resolve(base);
        if (entry.isDirectory()) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                FileTrees.delete(target);
                Files.createDirectory(target);
            }
        } else if (entry.isSymbolicLink()) {
            requireInside(name, entry.getLinkName());
            FileTrees.delete(target);
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            String linkName = normalize(entry.getLinkName());
            Path existing = parentOf(parentName(linkName)).resolve(linkName.substring(linkName.lastIndexOf('/') + 1));
            if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw refuse("hard-links " + name + " to " + entry.getLinkName() + ", which is not a file the layers made");
            }
            FileTrees.delete(target);
            Files.createLink(target, existing);
        } else if (entry.isFile()) {
            FileTrees.delete(target);
            Files.copy(data, target, StandardCopyOption.REPLACE_EXISTING);
        } else {
            return; // devices and fifos: a container gets its /dev from the runtime, never from an image
        }
        written.add(name);
        if (!entry.isSymbolicLink()) {
            Files.setAttribute(target, "unix:mode", entry.getMode() & 07777);
        }
        Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
    }

    /** Strips "./" and a trailing "/"; refuses absolute names and ".." components. */
    private String normalize(String raw) {
        if (raw.startsWith("/")) {
            throw refuse("holds the absolute path " + raw);
        }
        StringBuilder out = new StringBuilder();
        for (String part : raw.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw refuse("holds " + raw + ", which climbs out of the layer");
            }
            out.append(out.length() == 0 ? "" : "/").append(part);
        }
        return out.toString();
    }

    private static String parentName(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    /** The directory {@code dirName} under the root, created as needed, never through a symlink. */
    private Path parentOf(String dirName) throws IOException {
        Path current = root;
        if (dirName.isEmpty()) {
            return current;
        }
        for (String part : dirName.split("/")) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                throw refuse("writes through the symbolic link " + root.relativize(current)
                        + ", which could lead outside the image");
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
            } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw refuse("puts an entry below " + root.relativize(current) + ", which is not a directory");
            }
        }
        return current;
    }

    /** A relative symlink target must not climb above the root from where the link is. */
    private void requireInside(String name, String target) {
        if (target.startsWith("/")) {
            return; // resolved inside the container's root at run time
        }
        int depth = name.split("/").length - 1;
        for (String part : target.split("/")) {
            if (part.equals("..")) {
                if (--depth < 0) {
                    throw refuse("links " + name + " to " + target + ", which climbs out of the image");
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
            }
        }
    }

    private void emptyDirectory(String dirName) throws IOException {
        Path dir = parentOf(dirName);
        String prefix = dirName.isEmpty() ? "" : dirName + "/";
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                String childName = prefix + child.getFileName();
                boolean fromThisLayer = written.stream().anyMatch(w -> w.equals(childName) || w.startsWith(childName + "/"));
                if (!fromThisLayer) {
                    FileTrees.delete(child);
                }
            }
        }
    }

    private PodException refuse(String what) {
        return PodException.invalid("layer " + layer + " " + what + "; the image is refused");
    }
}
