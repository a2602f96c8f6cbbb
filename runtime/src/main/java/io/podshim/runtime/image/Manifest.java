package io.podshim.runtime.image;

import java.util.List;

/** What an import needs from a manifest: the config file and the layers, bottom first, as paths in the layout. */
record Manifest(String config, List<Layer> layers) {
    record Layer(String path, String digest) {}
}
