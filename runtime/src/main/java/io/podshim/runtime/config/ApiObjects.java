package io.podshim.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The ConfigMaps, Secrets and PersistentVolumeClaims of this node, as the API server would hold
 * them for its pods: applied, read, listed and deleted by namespace and name, each kept as one JSON
 * file under {@code <dir>/<kind>/<namespace>/} (files 0600 in directories 0700: a Secret is root's
 * alone on disk). Whoever listens hears of every change, after it is stored. Thread-safe.
 */
public final class ApiObjects {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What names an object here. */
    public record Key(String kind, String namespace, String name) {
        @Override
        public String toString() {
            return kind.toLowerCase(java.util.Locale.ROOT) + " " + namespace + "/" + name;
        }
    }

    private final Path dir;
    private final Map<Key, ObjectNode> objects = new TreeMap<>(java.util.Comparator.comparing(Key::kind)
            .thenComparing(Key::namespace).thenComparing(Key::name));
    private final List<Consumer<Key>> listeners = new CopyOnWriteArrayList<>();
    private long resourceVersion;

    /** The objects stored in {@code dir} by an earlier daemon, if any. */
    public ApiObjects(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            try (var walk = Files.walk(dir)) {
                for (Path file : (Iterable<Path>) walk::iterator) {
                    if (file.toString().endsWith(".json")) {
                        ObjectNode o = (ObjectNode) JSON.readTree(file.toFile());
                        objects.put(keyOf(o), o);
                        resourceVersion = Math.max(resourceVersion, o.path("metadata").path("resourceVersion").asLong());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read the stored objects in " + dir + ": " + e.getMessage(), e);
        }
    }

    public void listen(Consumer<Key> listener) {
        listeners.add(listener);
    }

    /**
     * Creates or updates {@code object} (as {@link io.podshim.runtime.pod.ObjectReader} shaped it):
     * "created", "configured" or "unchanged", as kubectl apply says. An immutable ConfigMap or
     * Secret keeps its data, as the API server keeps it.
     */
    public String apply(ObjectNode object) {
        Key key = keyOf(object);
        String action;
        synchronized (this) {
            ObjectNode old = objects.get(key);
            ObjectNode next = object.deepCopy();
            ObjectNode meta = (ObjectNode) next.get("metadata");
            if (old != null) {
                if (withoutServerFields(old).equals(withoutServerFields(next))) {
                    return "unchanged";
                }
                if (old.path("immutable").asBoolean(false) && (!old.path("data").equals(next.path("data"))
                        || !old.path("binaryData").equals(next.path("binaryData")) || !next.path("immutable").asBoolean(false))) {
                    throw PodException.invalidAt("data", key.kind() + " \"" + key.name() + "\" is invalid: data: Forbidden: field is"
                            + " immutable when `immutable` is set: delete it and create it again to change it");
                }
                if (key.kind().equals("PersistentVolumeClaim") && !old.get("spec").equals(next.get("spec"))) {
                    throw PodException.invalidAt("spec", "PersistentVolumeClaim \"" + key.name() + "\" is invalid: spec: Forbidden:"
                            + " spec is immutable after creation");
                }
                ObjectNode oldMeta = (ObjectNode) old.get("metadata");
                meta.set("uid", oldMeta.get("uid"));
                meta.set("creationTimestamp", oldMeta.get("creationTimestamp"));
                action = "configured";
            } else {
                meta.put("uid", UUID.randomUUID().toString());
                meta.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                action = "created";
            }
            meta.put("resourceVersion", Long.toString(++resourceVersion));
            if (key.kind().equals("PersistentVolumeClaim")) {
                bound(next);
            }
            store(key, next);
            objects.put(key, next);
        }
        listeners.forEach(l -> l.accept(key));
        return action;
    }

    /** A claim is bound at once to its node-local volume, as a local provisioner binds it. */
    private static void bound(ObjectNode claim) {
        ObjectNode status = claim.putObject("status");
        status.put("phase", "Bound");
        status.set("accessModes", claim.get("spec").get("accessModes").deepCopy());
        status.putObject("capacity").set("storage", claim.get("spec").get("resources").get("requests").get("storage").deepCopy());
    }

    public synchronized Optional<ObjectNode> get(Key key) {
        return Optional.ofNullable(objects.get(key)).map(ObjectNode::deepCopy);
    }

    /** The objects of {@code kind} in {@code namespace} (null: every namespace), by namespace and name. */
    public synchronized List<ObjectNode> list(String kind, String namespace) {
        List<ObjectNode> found = new ArrayList<>();
        objects.forEach((k, o) -> {
            if (k.kind().equals(kind) && (namespace == null || k.namespace().equals(namespace))) {
                found.add(o.deepCopy());
            }
        });
        return found;
    }

    /** Removes {@code key}'s object, or NOT_FOUND as the API server says it. */
    public ObjectNode delete(Key key) {
        ObjectNode gone;
        synchronized (this) {
            gone = objects.remove(key);
            if (gone == null) {
                throw PodException.notFound(key.kind().toLowerCase(java.util.Locale.ROOT) + "s \"" + key.name() + "\" not found"
                        + (key.namespace().equals("default") ? "" : " in namespace \"" + key.namespace() + "\""));
            }
            try {
                Files.deleteIfExists(file(key));
            } catch (IOException e) {
                throw new UncheckedIOException("remove " + file(key) + ": " + e.getMessage(), e);
            }
        }
        listeners.forEach(l -> l.accept(key));
        return gone;
    }

    /**
     * The keys of a ConfigMap ({@code data} and {@code binaryData}) or Secret ({@code data},
     * base64) and their bytes, in key order.
     */
    public static Map<String, byte[]> values(JsonNode object) {
        Map<String, byte[]> values = new TreeMap<>();
        boolean secret = object.path("kind").asText().equals("Secret");
        object.path("data").fields().forEachRemaining(e -> values.put(e.getKey(), secret
                ? Base64.getDecoder().decode(e.getValue().asText()) : e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        object.path("binaryData").fields().forEachRemaining(e -> values.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asText())));
        return values;
    }

    private static Key keyOf(JsonNode o) {
        JsonNode meta = o.get("metadata");
        return new Key(o.get("kind").asText(), meta.get("namespace").asText(), meta.get("name").asText());
    }

    private static JsonNode withoutServerFields(ObjectNode o) {
        ObjectNode copy = o.deepCopy();
        ObjectNode meta = (ObjectNode) copy.get("metadata");
        meta.remove(List.of("uid", "creationTimestamp", "resourceVersion"));
        copy.remove("status");
        return copy;
    }

    private Path file(Key key) {
        return dir.resolve(key.kind().toLowerCase(java.util.Locale.ROOT)).resolve(key.namespace()).resolve(key.name() + ".json");
    }

    /** Written whole or not at all (a temporary file renamed), root's alone. */
    private void store(Key key, ObjectNode object) {
        Path file = file(key);
        try {
            for (Path d = file.getParent(); !d.equals(dir); d = d.getParent()) {
                Files.createDirectories(d);
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, JSON.writeValueAsBytes(object));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("store " + key + " in " + file + ": " + e.getMessage(), e);
        }
    }

    /** How many objects of each kind there are (for the daemon's start line). */
    public synchronized Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        objects.keySet().forEach(k -> counts.merge(k.kind(), 1, Integer::sum));
        return counts;
    }
}
