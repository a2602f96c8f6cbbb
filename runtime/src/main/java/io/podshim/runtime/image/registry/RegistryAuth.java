package io.podshim.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Registry credentials where podman and docker keep them, in Docker's {@code config.json} format
 * ({@code {"auths": {"HOST[:PORT]": {"auth": base64("user:password")}}}}): the file given
 * ({@code --authfile}), else {@code $REGISTRY_AUTH_FILE}, else
 * {@code $XDG_RUNTIME_DIR/containers/auth.json}, else {@code ~/.docker/config.json}. The first file
 * that exists is the one read, as podman reads them.
 */
public final class RegistryAuth {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A user and password for a registry, and the file they came from (for error messages; never the password). */
    public record Credentials(String user, String password, Path source) {
        @Override
        public String toString() {
            return user + " (from " + source + ")";
        }
    }

    private RegistryAuth() {}

    /** The files looked at, in order, {@code explicit} first when given. */
    static List<Path> candidates(Path explicit) {
        List<Path> files = new ArrayList<>();
        if (explicit != null) {
            files.add(explicit);
            return files;
        }
        String env = System.getenv("REGISTRY_AUTH_FILE");
        if (env != null && !env.isBlank()) {
            files.add(Path.of(env));
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            files.add(Path.of(runtime, "containers", "auth.json"));
        }
        files.add(Path.of(System.getProperty("user.home"), ".docker", "config.json"));
        return files;
    }

    /** The credentials for {@code registry} in the first auth file that exists, if it has any. */
    public static Optional<Credentials> find(String registry, Path explicit) {
        for (Path file : candidates(explicit)) {
            if (!Files.isRegularFile(file)) {
                if (file.equals(explicit)) {
                    throw PodException.invalid("--authfile " + file + ": no such file");
                }
                continue;
            }
            JsonNode auths;
            try {
                auths = JSON.readTree(file.toFile()).path("auths");
            } catch (IOException e) {
                throw PodException.invalid("read the registry credentials in " + file + ": " + e.getMessage());
            }
            for (String key : List.of(registry, "https://" + registry, "http://" + registry,
                    registry.equals(ImageReference.DOCKER_HUB) ? "https://index.docker.io/v1/" : registry)) {
                JsonNode entry = auths.path(key);
                if (entry.hasNonNull("auth")) {
                    String decoded = new String(Base64.getDecoder().decode(entry.get("auth").asText()), StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    if (colon < 0) {
                        throw PodException.invalid(file + ": the auth of " + key + " is not base64 of user:password");
                    }
                    return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1), file));
                }
            }
            return Optional.empty();
        }
        return Optional.empty();
    }
}
