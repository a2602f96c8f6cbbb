package io.podshim.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.podshim.runtime.PodException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OCI image layout (image-spec "image-layout"): index.json → manifest (through an image
 * index for multi-platform images, picking linux and this machine's architecture) → config and
 * layer blobs under {@code blobs/<alg>/<hex>}.
 */
final class OciLayout {
    private static final String REF_NAME = "org.opencontainers.image.ref.name";

    private OciLayout() {}

    /** The name the layout gives its one image, if its ref.name is a reference ("busybox:1.36") rather than a bare tag ("1"). */
    static String name(Path layout, Path source) {
        JsonNode manifests = ImageStore.readJson(layout.resolve("index.json")).path("manifests");
        if (manifests.size() != 1) {
            throw PodException.invalid(source + " holds " + manifests.size() + " images: name the one to import");
        }
        String name = manifests.get(0).path("annotations").path(REF_NAME).asText("");
        if (!name.contains(":") && !name.contains("/")) {
            throw PodException.invalid(source + " names its image " + (name.isEmpty() ? "nothing" : "only by the tag \"" + name + "\"")
                    + ": give a name (podshim image import " + source + " NAME)");
        }
        return name;
    }

    static Manifest read(Path layout, String ref) {
        JsonNode index = ImageStore.readJson(layout.resolve("index.json"));
        JsonNode descriptor = pick(index.path("manifests"), ref, layout);
        JsonNode manifest = ImageStore.readJson(blob(layout, descriptor));
        while (manifest.has("manifests")) {
            descriptor = platform(manifest.path("manifests"), layout);
            manifest = ImageStore.readJson(blob(layout, descriptor));
        }
        List<Manifest.Layer> layers = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            layers.add(new Manifest.Layer(blobPath(layer.path("digest").asText()), layer.path("digest").asText()));
        }
        return new Manifest(blobPath(manifest.path("config").path("digest").asText()), layers, descriptor.path("digest").asText());
    }

    /** The manifest named like {@code ref} (or its tag), else the only one. */
    private static JsonNode pick(JsonNode manifests, String ref, Path layout) {
        String tag = ref.substring(ref.lastIndexOf(':') + 1);
        List<String> names = new ArrayList<>();
        for (JsonNode m : manifests) {
            String name = m.path("annotations").path(REF_NAME).asText("");
            names.add(name);
            if (name.equals(ref) || name.equals(tag)) {
                return m;
            }
        }
        if (manifests.size() == 1) {
            return manifests.get(0);
        }
        throw PodException.invalid(layout + " holds " + manifests.size() + " images named " + names
                + "; name the one to import by its tag");
    }

    private static JsonNode platform(JsonNode manifests, Path layout) {
        String arch = Platform.architecture();
        for (JsonNode m : manifests) {
            if (m.path("platform").path("os").asText().equals("linux") && m.path("platform").path("architecture").asText().equals(arch)) {
                return m;
            }
        }
        throw PodException.invalid(layout + " has no image for linux/" + arch);
    }

    private static Path blob(Path layout, JsonNode descriptor) {
        return layout.resolve(blobPath(descriptor.path("digest").asText()));
    }

    /** "sha256:ab…" → "blobs/sha256/ab…", refusing anything that is not a plain digest. */
    static String blobPath(String digest) {
        if (!digest.matches("[a-z0-9]+:[a-f0-9]{32,128}")) {
            throw PodException.invalid("\"" + digest + "\" is not a digest");
        }
        return "blobs/" + digest.replace(':', '/');
    }
}
