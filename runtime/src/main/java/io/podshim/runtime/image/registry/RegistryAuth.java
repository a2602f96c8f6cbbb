package io.podshim.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Registry credentials where podman and docker keep them, in Docker's {@code config.json} format
 * ({@code {"auths": {"HOST[:PORT]": {"auth": base64("user:password")}}}}): the file given
 * ({@code --authfile}), else {@code $REGISTRY_AUTH_FILE}, else podman's
 * ({@code $XDG_RUNTIME_DIR/containers/auth.json}, or {@code /run/containers/<uid>/auth.json}), else
 * {@code ~/.docker/config.json}. The first file that exists is the one read, as podman reads them.
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
        files.add(defaultFile());
        files.add(Path.of(System.getProperty("user.home"), ".docker", "config.json"));
        return files;
    }

    /** Where podman keeps credentials: {@code $XDG_RUNTIME_DIR/containers/auth.json}, else {@code /run/containers/<uid>/auth.json}. */
    static Path defaultFile() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "containers", "auth.json");
        }
        return Path.of("/run/containers", uid(), "auth.json");
    }

    /** The file login writes: {@code explicit}, else {@code $REGISTRY_AUTH_FILE}, else podman's. */
    public static Path fileToWrite(Path explicit) {
        String env = System.getenv("REGISTRY_AUTH_FILE");
        return explicit != null ? explicit : env != null && !env.isBlank() ? Path.of(env) : defaultFile();
    }

    /** Records {@code user}'s credentials for {@code registry} in {@code file} (mode 0600), keeping every other entry. */
    public static void save(Path file, String registry, String user, String password) {
        ObjectNode root = read(file);
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        root.with("auths").putObject(registry).put("auth", auth);
        write(file, root);
    }

    /** Removes {@code registry}'s credentials from {@code file}; whether there were any. */
    public static boolean remove(Path file, String registry) {
        if (!Files.exists(file)) {
            return false;
        }
        ObjectNode root = read(file);
        boolean had = root.path("auths").has(registry);
        if (had) {
            ((ObjectNode) root.get("auths")).remove(registry);
            write(file, root);
        }
        return had;
    }

    private static ObjectNode read(Path file) {
        try {
            return Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
        } catch (IOException | ClassCastException e) {
            throw PodException.invalid("read the registry credentials in " + file + ": " + e.getMessage());
        }
    }

    private static void write(Path file, ObjectNode root) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Path aside = file.resolveSibling(file.getFileName() + ".new");
            Files.deleteIfExists(aside);
            Files.createFile(aside, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            JSON.writerWithDefaultPrettyPrinter().writeValue(aside.toFile(), root);
            Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new PodException("write the registry credentials to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1];
                }
            }
        } catch (IOException e) {
            // fall through to the name
        }
        return System.getProperty("user.name");
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
            return match(auths, registry, file);
        }
        return Optional.empty();
    }

    /**
     * The credentials for {@code registry} in {@code auths}, the map of an auth file (or of a
     * kubernetes.io/dockerconfigjson Secret's {@code auths}, or a dockercfg Secret's whole map),
     * keyed by host as docker and podman key it; {@code source} names where it came from.
     */
    public static Optional<Credentials> match(JsonNode auths, String registry, Path source) {
        for (String key : List.of(registry, "https://" + registry, "http://" + registry,
                registry.equals(ImageReference.DOCKER_HUB) ? "https://index.docker.io/v1/" : registry)) {
            JsonNode entry = auths.path(key);
            if (entry.hasNonNull("auth")) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(entry.get("auth").asText()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    decoded = "";
                }
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw PodException.invalid(source + ": the auth of " + key + " is not base64 of user:password");
                }
                return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1), source));
            }
            if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
                return Optional.of(new Credentials(entry.get("username").asText(), entry.get("password").asText(), source));
            }
        }
        return Optional.empty();
    }
}
