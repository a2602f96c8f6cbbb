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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pulls an image from its registry into the store: the manifest (through an index or manifest list,
 * choosing this node's platform), the config and the layers, each verified against its digest
 * while it streams into a staging OCI layout, {@link #PARALLEL} layers at a time; the store then
 * imports that layout as it imports any other, so a pull that fails anywhere leaves no partial
 * image. An image the store already has (the same config digest) is only named, not fetched again.
 * Mirrors from registries.conf are tried first, in order, then the primary location.
 */
public final class ImagePuller {
    /** Layers fetched at once, as docker fetches three. */
    public static final int PARALLEL = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a pull did.
     *
     * @param endpoint the registry and repository the image came from (a mirror's, when a mirror served it)
     * @param size the image's size as its manifest gives it: the config and every layer, compressed
     * @param fetched whether any blob was fetched (false: the store had the image and only named it)
     */
    public record Pulled(StoredImage image, String endpoint, long size, boolean fetched) {}

    private final ImageStore store;
    private final Path staging;
    private final PullSettings settings;

    /** @param staging where pulls are assembled (each pull's part removed after it, whole or failed) */
    public ImagePuller(ImageStore store, Path staging, PullSettings settings) {
        this.store = store;
        this.staging = staging;
        this.settings = settings;
    }

    /** Pulls {@code name} (as given: {@code 127.0.0.1:5000/lab/app:1}) and stores it under that name. */
    public Pulled pull(String name, PullProgress progress) {
        ImageReference ref = ImageReference.parse(name);
        List<RegistriesConf.Endpoint> endpoints = settings.registries().endpoints(ref);
        List<String> mirrorsFailed = new ArrayList<>();
        for (RegistriesConf.Endpoint endpoint : endpoints) {
            try {
                return pullFrom(name, endpoint, progress);
            } catch (PodException e) {
                if (!endpoint.mirror()) {
                    if (mirrorsFailed.isEmpty()) {
                        throw e;
                    }
                    throw new PodException(e.getMessage() + " (its mirrors failed too: " + String.join("; ", mirrorsFailed) + ")", e);
                }
                mirrorsFailed.add(endpoint.ref().registry() + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("registries.conf gave no endpoint for " + ref); // the primary always comes last
    }

    private Pulled pullFrom(String name, RegistriesConf.Endpoint endpoint, PullProgress progress) {
        ImageReference ref = endpoint.ref();
        try (RegistryClient registry = new RegistryClient(ref, RegistryAuth.find(ref.registry(), settings.authFile()),
                settings.certDir(), endpoint.insecure())) {
            return pullFrom(name, endpoint, registry, progress);
        }
    }

    private Pulled pullFrom(String name, RegistriesConf.Endpoint endpoint, RegistryClient registry, PullProgress progress) {
        ImageReference ref = endpoint.ref();
        RegistryClient.Fetched manifest = registry.manifest(ref.manifestReference());
        JsonNode json = manifest.json();
        if (json.has("manifests")) {
            // A digest from the index goes into a URL and a path: it must be a digest and nothing else.
            manifest = registry.manifest(checked(platform(json, ref).path("digest").asText()));
            json = manifest.json();
        }
        progress.resolved(name, ref.registry() + "/" + ref.repository(), manifest.digest());
        String config = checked(json.path("config").path("digest").asText());
        List<PullProgress.Blob> layers = new ArrayList<>();
        long size = json.path("config").path("size").asLong();
        for (JsonNode layer : json.path("layers")) {
            layers.add(new PullProgress.Blob(checked(layer.path("digest").asText()), layer.path("size").asLong()));
            size += layer.path("size").asLong();
        }
        Optional<StoredImage> had = store.nameIfStored(name, config, manifest.digest());
        if (had.isPresent()) {
            progress.blobs(List.of());
            progress.finished(had.get().id());
            return new Pulled(had.get(), endpoint.ref().registry() + "/" + ref.repository(), size, false);
        }
        Path layout = staging.resolve(UUID.randomUUID().toString());
        try {
            Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
            Files.write(blobs.resolve(hex(manifest.digest())), manifest.bytes());
            List<PullProgress.Blob> all = new ArrayList<>();
            all.add(new PullProgress.Blob(config, json.path("config").path("size").asLong()));
            all.addAll(layers);
            progress.blobs(all);
            fetch(registry, all, blobs, progress);
            writeLayout(layout, manifest, ref);
            progress.unpacking();
            StoredImage image = store.importImage(layout, name, ImportProgress.NONE);
            progress.finished(image.id());
            return new Pulled(image, ref.registry() + "/" + ref.repository(), size, true);
        } catch (IOException e) {
            throw new PodException("pull " + name + ": " + e, e);
        } finally {
            try {
                FileTrees.delete(layout);
            } catch (IOException e) {
                System.err.println("podshim: remove the staging of a pull: " + layout + ": " + e);
            }
        }
    }

    /** Every blob into {@code dir}, {@link #PARALLEL} at a time; the first failure stops the others and is thrown. */
    private static void fetch(RegistryClient registry, List<PullProgress.Blob> blobs, Path dir, PullProgress progress) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, Math.max(1, blobs.size())), r -> {
            Thread t = new Thread(r, "pull");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> fetches = new ArrayList<>();
            for (PullProgress.Blob blob : blobs) {
                fetches.add(pool.submit(() -> {
                    Path target = dir.resolve(hex(blob.digest()));
                    if (!Files.exists(target)) { // an image may carry one layer twice
                        registry.blob(blob.digest(), target, progress::received);
                    }
                    progress.done(blob.digest());
                }));
            }
            for (Future<?> f : fetches) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof PodException p ? p : new PodException("pull: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PodException.unavailable("the pull was interrupted");
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
