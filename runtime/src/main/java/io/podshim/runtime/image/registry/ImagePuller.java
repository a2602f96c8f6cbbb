package io.podshim.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.FileTrees;
import io.podshim.runtime.PodException;
import io.podshim.runtime.image.ImageAssembly;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pulls an image from its registry into the store: the manifest (through an index or manifest list,
 * choosing this node's platform), the config and the layers, {@link #PARALLEL} at a time besides
 * the bottom layer, each verified against its digest as it streams in. The bottom layer is
 * unpacked as it streams; each one above it as soon as it and those below it are here
 * ({@link ImageAssembly}). The image goes into place only whole, so a pull that fails anywhere
 * (a digest that does not match included) leaves no partial image. An image the store already
 * has (the same config digest) is only named, not fetched again.
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
        return pull(name, progress, null);
    }

    /**
     * {@link #pull(String, PullProgress)} with {@code offered}: credentials for each registry
     * host (a pod's imagePullSecrets), tried before the node's own.
     */
    public Pulled pull(String name, PullProgress progress, java.util.function.Function<String, Optional<RegistryAuth.Credentials>> offered) {
        ImageReference ref = ImageReference.parse(name);
        List<RegistriesConf.Endpoint> endpoints = settings.registriesNow().endpoints(ref);
        List<String> mirrorsFailed = new ArrayList<>();
        for (RegistriesConf.Endpoint endpoint : endpoints) {
            try {
                return pullFrom(name, endpoint, progress, offered);
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

    private Pulled pullFrom(String name, RegistriesConf.Endpoint endpoint, PullProgress progress,
                            java.util.function.Function<String, Optional<RegistryAuth.Credentials>> offered) {
        ImageReference ref = endpoint.ref();
        Optional<RegistryAuth.Credentials> credentials = offered == null ? Optional.empty() : offered.apply(ref.registry());
        try (RegistryClient registry = new RegistryClient(ref, credentials.isPresent() ? credentials
                : RegistryAuth.find(ref.registry(), settings.authFile()),
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
        Path blobs = staging.resolve(UUID.randomUUID().toString());
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "pull");
            t.setDaemon(true);
            return t;
        });
        try (ImageAssembly assembly = store.assemble()) {
            Files.createDirectories(blobs);
            List<PullProgress.Blob> all = new ArrayList<>();
            all.add(new PullProgress.Blob(config, json.path("config").path("size").asLong()));
            all.addAll(layers);
            progress.blobs(all);
            // The bottom layer is unpacked as it streams in, here; the others come to files meanwhile,
            // one fetch per digest (an image may carry one layer twice).
            String bottom = layers.isEmpty() ? null : layers.get(0).digest();
            java.util.Map<String, Future<Path>> fetched = new java.util.LinkedHashMap<>();
            for (PullProgress.Blob blob : all) {
                if (!blob.digest().equals(bottom)) {
                    fetched.computeIfAbsent(blob.digest(), d -> pool.submit(() -> fetch(registry, blob, blobs, progress)));
                }
            }
            if (bottom != null) {
                registry.blob(bottom, in -> assembly.apply(in, bottom), progress::received);
                progress.done(bottom);
                progress.unpacked(bottom);
            }
            byte[] configBytes = Files.readAllBytes(await(fetched.get(config)));
            // Then each layer in order, as soon as it is here, while the later ones still stream in.
            for (int i = 1; i < layers.size(); i++) {
                String digest = layers.get(i).digest();
                if (digest.equals(bottom)) {
                    registry.blob(bottom, in -> assembly.apply(in, bottom), RegistryClient.BlobProgress.NONE);
                } else {
                    Path blob = await(fetched.get(digest));
                    assembly.apply(blob, digest, true);
                    if (layers.subList(i + 1, layers.size()).stream().noneMatch(l -> l.digest().equals(digest))) {
                        Files.deleteIfExists(blob); // its disk is free before the next layer lands
                    }
                }
                progress.unpacked(digest);
            }
            StoredImage image = assembly.commit(name, configBytes, manifest.digest());
            progress.finished(image.id());
            return new Pulled(image, ref.registry() + "/" + ref.repository(), size, true);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new PodException("pull " + name + ": " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
                FileTrees.delete(blobs);
            } catch (IOException e) {
                System.err.println("podshim: remove the staging of a pull: " + blobs + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One blob into {@code dir}, verified on the way. */
    private static Path fetch(RegistryClient registry, PullProgress.Blob blob, Path dir, PullProgress progress) {
        Path target = dir.resolve(hex(blob.digest()));
        registry.blob(blob.digest(), target, progress::received);
        progress.done(blob.digest());
        return target;
    }

    /** The fetch's file, or its failure as it was thrown (the first failure ends the pull; the others are stopped). */
    private static Path await(Future<Path> fetch) {
        try {
            return fetch.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof PodException p ? p : new PodException("pull: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PodException.unavailable("the pull was interrupted");
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
