package io.podshim.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.podshim.runtime.PodException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what {@code docker save} (and {@code podman save --format docker-archive}) writes:
 * manifest.json listing, per image, its config file, its RepoTags and its layer tars. Layers there
 * are named by path, not digest, so they are checked against the config's diff_ids instead.
 */
final class DockerSave {
    private DockerSave() {}

    /** The name the archive gives its one image: its first RepoTag. */
    static String name(Path archive, Path source) {
        JsonNode images = ImageStore.readJson(archive.resolve("manifest.json"));
        if (images.size() != 1) {
            throw PodException.invalid(source + " holds " + images.size() + " images: name the one to import");
        }
        JsonNode tags = images.get(0).path("RepoTags");
        if (tags.size() == 0) {
            throw PodException.invalid(source + " gives its image no name (no RepoTags): give one");
        }
        return tags.get(0).asText();
    }

    static Manifest read(Path archive, String ref) {
        JsonNode images = ImageStore.readJson(archive.resolve("manifest.json"));
        JsonNode chosen = null;
        for (JsonNode image : images) {
            for (JsonNode tag : image.path("RepoTags")) {
                if (ImageStore.normalize(tag.asText()).equals(ref)) {
                    chosen = image;
                }
            }
        }
        if (chosen == null && images.size() == 1) {
            chosen = images.get(0);
        }
        if (chosen == null) {
            throw PodException.invalid("the archive holds " + images.size() + " images and none is tagged " + ref);
        }
        String config = safe(chosen.path("Config").asText());
        JsonNode diffIds = ImageStore.readJson(archive.resolve(config)).path("rootfs").path("diff_ids");
        List<Manifest.Layer> layers = new ArrayList<>();
        JsonNode paths = chosen.path("Layers");
        for (int i = 0; i < paths.size(); i++) {
            // Newer archives name layers by digest (blobs/sha256/<hex>); older ones hold uncompressed
            // tars, whose digest is the config's diff_id.
            String path = safe(paths.get(i).asText());
            String digest = path.matches("blobs/sha256/[a-f0-9]{64}") ? "sha256:" + path.substring(13) : diffIds.path(i).asText("unknown");
            layers.add(new Manifest.Layer(path, digest));
        }
        return new Manifest(config, layers, null);
    }

    private static String safe(String path) {
        if (path.isEmpty() || path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            throw PodException.invalid("manifest.json names \"" + path + "\", which is not a path inside the archive");
        }
        return path;
    }
}
