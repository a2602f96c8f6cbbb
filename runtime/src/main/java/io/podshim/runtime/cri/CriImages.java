package io.podshim.runtime.cri;

import io.podshim.cri.v1.AuthConfig;
import io.podshim.cri.v1.FilesystemIdentifier;
import io.podshim.cri.v1.FilesystemUsage;
import io.podshim.cri.v1.Image;
import io.podshim.cri.v1.ImageSpec;
import io.podshim.cri.v1.Int64Value;
import io.podshim.cri.v1.UInt64Value;
import io.podshim.runtime.PodException;
import io.podshim.runtime.image.ImageInfo;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.StoredImage;
import io.podshim.runtime.image.registry.ImagePuller;
import io.podshim.runtime.image.registry.PullProgress;
import io.podshim.runtime.image.registry.PullSettings;
import io.podshim.runtime.image.registry.RegistryAuth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's images as the CRI names them: the same store the pod engine uses, an image found by
 * any of its names, by its id ({@code sha256:…}, what kubelet passes once it has pulled), or by the
 * fully qualified name kubelet writes ({@code docker.io/library/busybox:latest} for a store's
 * {@code busybox:latest}, and the other way round).
 */
public final class CriImages {
    private static final String HUB = "docker.io/";
    private static final String LIBRARY = "docker.io/library/";

    private final ImageStore store;
    private final ImagePuller puller;

    public CriImages(ImageStore store, PullSettings settings) {
        this.store = store;
        this.puller = new ImagePuller(store, store.stagingDir(), settings);
    }

    public Optional<StoredImage> find(String ref) {
        if (ref == null || ref.isBlank()) {
            throw PodException.invalid("image.image", "required: an image reference or id");
        }
        String bare = ref.startsWith("sha256:") ? ref.substring("sha256:".length()) : ref;
        if (bare.matches("[0-9a-f]{12,64}")) {
            for (String name : store.names()) {
                Optional<StoredImage> image = store.find(name);
                if (image.isPresent() && image.get().id().replace("sha256:", "").startsWith(bare)) {
                    return image;
                }
            }
        }
        for (String candidate : candidates(ref)) {
            Optional<StoredImage> image = store.find(candidate);
            if (image.isPresent()) {
                return image;
            }
        }
        int at = ref.indexOf('@');
        if (at > 0) {
            // REPOSITORY@DIGEST, as ImageStatus gives an image's repo digest: the image pulled from that repository with that manifest.
            List<String> repositories = candidates(ref.substring(0, at));
            String digest = ref.substring(at + 1);
            for (String name : store.names()) {
                Optional<ImageInfo> info = store.info(name);
                if (info.isPresent() && digest.equals(info.get().digest()) && repositories.contains(info.get().repository())) {
                    return store.find(name);
                }
            }
        }
        return Optional.empty();
    }

    /** The names one reference may be stored under: as given, with docker.io/library/ taken off, or put on. */
    private static List<String> candidates(String ref) {
        List<String> names = new ArrayList<>(List.of(ref));
        if (ref.startsWith(LIBRARY)) {
            names.add(ref.substring(LIBRARY.length()));
        } else if (ref.startsWith(HUB)) {
            names.add(ref.substring(HUB.length()));
        } else if (!ref.contains("/") || !ref.substring(0, ref.indexOf('/')).matches(".*[.:].*|localhost")) {
            names.add((ref.contains("/") ? HUB : LIBRARY) + ref);
        }
        return names;
    }

    /** Every image once, its names together; only those {@code filter} names, if given. */
    public List<Image> list(String filter) {
        if (filter == null || filter.isEmpty()) {
            return images(Optional.empty());
        }
        Optional<StoredImage> wanted = find(filter);
        return wanted.isEmpty() ? List.of() : images(wanted.map(StoredImage::id));
    }

    private List<Image> images(Optional<String> wanted) {
        Map<String, List<ImageInfo>> byId = new LinkedHashMap<>();
        for (String name : store.names()) {
            store.info(name).ifPresent(info -> byId.computeIfAbsent(info.id(), k -> new ArrayList<>()).add(info));
        }
        List<Image> images = new ArrayList<>();
        byId.forEach((id, infos) -> {
            if (wanted.isEmpty() || wanted.get().equals(id)) {
                images.add(image(id, infos));
            }
        });
        return images;
    }

    public Optional<Image> status(String ref) {
        return find(ref).flatMap(image -> images(Optional.of(image.id())).stream().findFirst());
    }

    private Image image(String id, List<ImageInfo> infos) {
        Image.Builder image = Image.newBuilder().setId(id).setSpec(ImageSpec.newBuilder().setImage(id));
        for (ImageInfo info : infos) {
            if (!info.name().contains("@")) {
                image.addRepoTags(info.name());
            }
            if (info.digest() != null && !image.getRepoDigestsList().contains(info.repository() + "@" + info.digest())) {
                image.addRepoDigests(info.repository() + "@" + info.digest());
            }
            image.setSize(Math.max(image.getSize(), Math.max(0, info.size())));
        }
        String user = store.find(infos.get(0).name()).map(s -> s.config().user()).orElse("");
        String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        if (name.matches("\\d+")) {
            image.setUid(Int64Value.newBuilder().setValue(Long.parseLong(name)));
        } else if (!name.isEmpty()) {
            image.setUsername(name);
        }
        return image.build();
    }

    /** Pulls {@code ref}, with the request's credentials tried before the node's; returns the image's id. */
    public String pull(String ref, AuthConfig auth) {
        ImagePuller.Pulled pulled = puller.pull(ref, PullProgress.NONE, credentials(auth));
        return pulled.image().id();
    }

    private static java.util.function.Function<String, Optional<RegistryAuth.Credentials>> credentials(AuthConfig auth) {
        String user = auth.getUsername();
        String password = auth.getPassword();
        if (user.isEmpty() && !auth.getAuth().isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.getAuth()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw PodException.invalid("auth.auth", "is not base64 of user:password");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw PodException.invalid("auth.auth", "is not base64 of user:password");
            }
            user = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        if (user.isEmpty()) {
            return registry -> Optional.empty();
        }
        RegistryAuth.Credentials given = new RegistryAuth.Credentials(user, password, Path.of("PullImage request"));
        String server = auth.getServerAddress().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
        return registry -> server.isEmpty() || server.equals(registry) ? Optional.of(given) : Optional.empty();
    }

    /** Removes the image with every name it has; one not there is not an error (kubelet retries). */
    public void remove(String ref) {
        Optional<StoredImage> image = find(ref);
        if (image.isEmpty()) {
            return;
        }
        for (String name : store.names()) {
            if (store.find(name).map(s -> s.id().equals(image.get().id())).orElse(false)) {
                store.remove(name);
            }
        }
    }

    /** What the store's files take, for kubelet's image garbage collection. */
    public FilesystemUsage usage() {
        long bytes = list(null).stream().mapToLong(Image::getSize).sum();
        return FilesystemUsage.newBuilder().setTimestamp(CriRuntime.nowNanos())
                .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(store.stagingDir().getParent().toString()))
                .setUsedBytes(UInt64Value.newBuilder().setValue(bytes)).build();
    }
}
