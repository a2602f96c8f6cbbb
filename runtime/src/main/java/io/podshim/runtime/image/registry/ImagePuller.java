package io.podshim.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.FileTrees;
import io.podshim.runtime.PodException;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.ImportProgress;
import io.podshim.runtime.image.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Pulls an image from its registry into the store: the manifest (through an index or manifest list,
 * choosing this node's platform), the config and the layers, each verified against its digest
 * while it streams into a staging OCI layout; the store then imports that layout as it imports any
 * other, so a pull that fails anywhere leaves no partial image.
 */
public final class ImagePuller {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImageStore store;
    private final Path staging;

    /** @param staging where pulls are assembled (removed after each pull, whole or failed) */
    public ImagePuller(ImageStore store, Path staging) {
        this.store = store;
        this.staging = staging;
    }

    /**
     * Pulls {@code reference} and stores it under {@code name} (as given: {@code 127.0.0.1:5000/lab/app:1}).
     *
     * @param authFile an auth file to read, or null for the usual places ({@link RegistryAuth})
     * @param certDir CA certificates for the registry, or null for certs.d
     */
    public StoredImage pull(String name, Path authFile, Path certDir, ImportProgress progress) {
        ImageReference ref = ImageReference.parse(name);
        RegistryClient registry = new RegistryClient(ref, RegistryAuth.find(ref.registry(), authFile), certDir);
        Path layout = staging.resolve(UUID.randomUUID().toString());
        try {
            Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
            RegistryClient.Fetched manifest = registry.manifest(ref.manifestReference());
            JsonNode json = manifest.json();
            if (json.has("manifests")) {
                // A digest from the index goes into a URL and a path: it must be a digest and nothing else.
                manifest = registry.manifest(checked(platform(json, ref).path("digest").asText()));
                json = manifest.json();
            }
            Files.write(blobs.resolve(hex(manifest.digest())), manifest.bytes());
            String config = json.path("config").path("digest").asText();
            registry.blob(config, blobs.resolve(hex(checked(config))));
            List<String> layers = new ArrayList<>();
            json.path("layers").forEach(layer -> layers.add(checked(layer.path("digest").asText())));
            for (int i = 0; i < layers.size(); i++) {
                progress.layer(i + 1, layers.size(), layers.get(i));
                registry.blob(layers.get(i), blobs.resolve(hex(layers.get(i))));
            }
            writeLayout(layout, manifest, ref);
            return store.importImage(layout, name, ImportProgress.NONE);
        } catch (IOException e) {
            throw new PodException("pull " + ref + ": " + e, e);
        } finally {
            try {
                FileTrees.delete(layout);
            } catch (IOException e) {
                System.err.println("podshim: remove the staging of a pull: " + layout + ": " + e);
            }
        }
    }

    /** This node's entry in an index: linux and its architecture; attestations (platform unknown) are passed over. */
    static JsonNode platform(JsonNode index, ImageReference ref) {
        String arch = io.podshim.runtime.image.Platform.architecture();
        List<String> offered = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            JsonNode p = m.path("platform");
            String os = p.path("os").asText();
            if (os.equals("unknown")) {
                continue;
            }
            offered.add(os + "/" + p.path("architecture").asText() + (p.has("variant") ? "/" + p.path("variant").asText() : ""));
            boolean variantFits = !arch.equals("arm64") || !p.has("variant") || p.path("variant").asText().equals("v8");
            if (os.equals("linux") && p.path("architecture").asText().equals(arch) && variantFits) {
                return m;
            }
        }
        throw PodException.notFound(ref + " has no image for linux/" + arch + " (it has " + offered + ")");
    }

    private static void writeLayout(Path layout, RegistryClient.Fetched manifest, ImageReference ref) throws IOException {
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\": \"1.0.0\"}");
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
        ObjectNode descriptor = index.putArray("manifests").addObject()
                .put("mediaType", manifest.mediaType()).put("digest", manifest.digest()).put("size", manifest.bytes().length);
        descriptor.putObject("annotations").put("org.opencontainers.image.ref.name", ref.tag() == null ? "pulled" : ref.tag());
        JSON.writeValue(layout.resolve("index.json").toFile(), index);
    }

    private static String checked(String digest) {
        if (!digest.matches("sha256:[a-f0-9]{64}")) {
            throw PodException.invalid("\"" + digest + "\" is not a sha256 digest");
        }
        return digest;
    }

    private static String hex(String digest) {
        return checked(digest).substring("sha256:".length());
    }
}
