package io.podshim.runtime.image;

import java.nio.file.Path;

/**
 * An image in the store: its id ({@code sha256:<config digest>}, or {@code dir:…} for a plain
 * rootfs directory used in place), the read-only root filesystem containers are layered on, and
 * its config.
 */
public record StoredImage(String id, String name, Path rootfs, ImageConfig config) {}
