package io.podshim.runtime.image;

import java.util.List;

/**
 * What an import needs from a manifest: the config file and the layers, bottom first, as paths in
 * the layout; and the manifest's digest, which a docker save archive does not have (null).
 */
record Manifest(String config, List<Layer> layers, String digest) {
    record Layer(String path, String digest) {}
}
