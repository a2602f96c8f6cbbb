package io.podshim.runtime.image.registry;

import io.podshim.runtime.PodException;
import java.util.regex.Pattern;

/**
 * An image reference, normalised as Docker normalises it: {@code nginx} is
 * {@code docker.io/library/nginx:latest}, {@code lab/app@sha256:…} has no tag. The first path
 * component is a registry only if it looks like a host (a dot, a port, or {@code localhost}).
 *
 * @param registry the registry's name as people write it ({@code docker.io}, {@code 127.0.0.1:5000})
 * @param repository the repository path ({@code library/nginx})
 * @param tag the tag, or null when only a digest is given
 * @param digest {@code sha256:<hex>}, or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

    public static ImageReference parse(String text) {
        String rest = text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw PodException.invalid("image reference \"" + text + "\": \"" + digest + "\" is not a sha256 digest");
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw PodException.invalid("image reference \"" + text + "\": \"" + tag + "\" is not a tag");
            }
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw PodException.invalid("image reference \"" + text + "\": \"" + component + "\" is not a repository name"
                        + " (lower case letters, digits and . _ - between them)");
            }
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /** The host the registry's API answers on: Docker Hub's is registry-1.docker.io. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    /** What to ask the manifests endpoint for: the digest if there is one, else the tag. */
    public String manifestReference() {
        return digest != null ? digest : tag;
    }

    /** {@code docker.io/library/nginx:1.27}, {@code …@sha256:…}. */
    @Override
    public String toString() {
        return registry + "/" + repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
