package io.podshim.runtime.image;

import io.podshim.runtime.PodException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An image being put together in the store's staging area, layer by layer, bottom first (a pull
 * applies each layer as soon as it and those below it are here, while later ones still stream
 * in), then moved into place whole by {@link #commit}. Closed without a commit, it leaves nothing.
 */
public final class ImageAssembly implements AutoCloseable {
    private final ImageStore store;
    private final Path staging;
    private final Path image;
    private final Path rootfs;
    private boolean committed;

    ImageAssembly(ImageStore store, Path staging) throws IOException {
        this.store = store;
        this.staging = staging;
        this.image = Files.createDirectories(staging.resolve("image"));
        this.rootfs = Files.createDirectory(image.resolve("rootfs"));
    }

    /**
     * Applies the layer in {@code blob} onto what is there. A blob already checked against
     * {@code digest} (as a pull checks it while it streams in) is not hashed again; any other is,
     * and refused if it does not match.
     */
    public void apply(Path blob, String digest, boolean verified) {
        try (InputStream raw = Files.newInputStream(blob)) {
            if (verified) {
                new LayerExtractor(rootfs, digest).apply(raw);
                return;
            }
            MessageDigest sha = sha256Digest();
            try (DigestInputStream in = new DigestInputStream(raw, sha)) {
                new LayerExtractor(rootfs, digest).apply(in);
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
            if (digest.startsWith("sha256:") && !digest.equals(actual)) {
                throw PodException.invalid("layer " + digest + " does not match its digest (the blob hashes to " + actual + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("layer " + digest + ": " + e.getMessage(), e);
        }
    }

    /**
     * Applies the layer streaming in on {@code in} onto what is there, as it arrives. Its digest is
     * the caller's to check once the stream is read; if it does not match, the assembly must be
     * closed without a commit.
     */
    public void apply(InputStream in, String digest) throws IOException {
        new LayerExtractor(rootfs, digest).apply(in);
    }

    /**
     * Moves the image into place under the id its {@code config} hashes to and names it
     * {@code name}; {@code manifestDigest} (or null) is what {@code image ls} shows.
     */
    public StoredImage commit(String name, byte[] config, String manifestDigest) {
        try {
            Files.write(image.resolve("config.json"), config);
            Files.writeString(image.resolve("size"), Long.toString(io.podshim.runtime.FileTrees.size(rootfs)));
        } catch (IOException e) {
            throw new UncheckedIOException("write the config of " + name + ": " + e.getMessage(), e);
        }
        committed = true;
        return store.place(image, "sha256:" + io.podshim.linux.StaticHelper.sha256(config), ImageStore.normalize(name), manifestDigest);
    }

    /** Removes the staging area: all of it without a commit, what is left after one. */
    @Override
    public void close() {
        try {
            io.podshim.runtime.FileTrees.delete(staging);
        } catch (IOException e) {
            if (!committed) {
                throw new UncheckedIOException("remove " + staging + ": " + e, e);
            }
            System.err.println("podshim: remove " + staging + ": " + e);
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
