package io.podshim.runtime.image.registry;

import java.util.List;

/**
 * Told what a pull is doing, so that a terminal can draw it: the blobs to fetch with their sizes
 * (from the manifest), the bytes of each as they arrive (from several threads at once: layers are
 * fetched in parallel), each layer as it is unpacked, and the end.
 */
public interface PullProgress {
    PullProgress NONE = new PullProgress() { };

    /** One blob of the image: its digest and its size as the manifest gives it. */
    record Blob(String digest, long size) {}

    /** Where the image comes from, once its manifest is read. */
    default void resolved(String name, String endpoint, String manifestDigest) {}

    /** The blobs still to fetch (the config first), before any is fetched; empty when the store has the image already. */
    default void blobs(List<Blob> blobs) {}

    /** {@code bytes} of {@code digest} have arrived so far. Any thread. */
    default void received(String digest, long bytes) {}

    /** {@code digest} is whole and verified. Any thread. */
    default void done(String digest) {}

    /** Layer {@code digest} is unpacked onto those below it (in order, bottom first, on the pulling thread). */
    default void unpacked(String digest) {}

    /** The image is in the store. */
    default void finished(String imageId) {}
}
