package io.podshim.runtime.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.PodException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one document of what {@code apply -f} is given: a Pod ({@link ManifestReader}), or a
 * ConfigMap, Secret or PersistentVolumeClaim, checked as the API server checks them and brought to
 * the shape the store keeps (a Secret's {@code stringData} folded into {@code data}). Errors name
 * the field, never a Secret's value.
 */
public final class ObjectReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The API server's bound on a ConfigMap's or Secret's data (etcd's object size). */
    private static final int MAX_DATA = 1024 * 1024;
    private static final Set<String> METADATA = Field.keys("name", "namespace", "uid", "labels", "annotations", "resourceVersion",
            "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink",
            "ownerReferences", "finalizers");

    /** A Pod, or another object (its kind, namespace and name in {@code object}). */
    public record Document(String kind, PodManifest pod, ObjectNode object) {
        public String namespace() {
            return pod != null ? pod.namespace() : object.get("metadata").get("namespace").asText();
        }

        public String name() {
            return pod != null ? pod.name() : object.get("metadata").get("name").asText();
        }
    }

    private ObjectReader() {}

    public static Document read(String text) {
        List<JsonNode> documents = ManifestReader.documents(text);
        if (documents.size() != 1) {
            throw PodException.invalid("the document holds " + documents.size() + " objects: give one per document");
        }
        JsonNode node = documents.get(0);
        if (!node.isObject()) {
            throw PodException.invalid("the manifest must be an object with apiVersion, kind and metadata");
        }
        String kind = node.path("kind").asText("");
        return switch (kind) {
            case "Pod" -> new Document(kind, ManifestReader.read(node), null);
            case "ConfigMap" -> new Document(kind, null, configMap(new Field(node, "")));
            case "Secret" -> new Document(kind, null, secret(new Field(node, "")));
            case "PersistentVolumeClaim" -> new Document(kind, null, claim(new Field(node, "")));
            default -> throw PodException.invalid("kind", "\"" + kind + "\" is not a kind podshim serves: give a Pod, ConfigMap,"
                    + " Secret or PersistentVolumeClaim (apiVersion v1)");
        };
    }

    private static ObjectNode configMap(Field root) {
        root.onlyKeys(Field.keys("apiVersion", "kind", "metadata", "data", "binaryData", "immutable"), Set.of());
        ObjectNode out = header(root, "ConfigMap");
        ObjectNode data = NODES.objectNode();
        ObjectNode binary = NODES.objectNode();
        long size = 0;
        for (Map.Entry<String, Field> e : root.entries("data").entrySet()) {
            ManifestReader.dataKey(e.getValue(), e.getKey());
            String value = e.getValue().text();
            size += value.getBytes(StandardCharsets.UTF_8).length;
            data.put(e.getKey(), value);
        }
        for (Map.Entry<String, Field> e : root.entries("binaryData").entrySet()) {
            ManifestReader.dataKey(e.getValue(), e.getKey());
            if (data.has(e.getKey())) {
                throw e.getValue().error("duplicate of key " + e.getKey() + " in data: a key is in data or binaryData, not both");
            }
            size += base64(e.getValue()).length;
            binary.put(e.getKey(), e.getValue().text());
        }
        if (size > MAX_DATA) {
            throw root.get("data").error("the data adds up to " + size + " bytes, more than a ConfigMap may hold (1 MiB)");
        }
        out.set("data", data);
        if (!binary.isEmpty()) {
            out.set("binaryData", binary);
        }
        if (Boolean.TRUE.equals(root.bool("immutable"))) {
            out.put("immutable", true);
        }
        return out;
    }

    private static final Map<String, List<String>> SECRET_KEYS = Map.of("kubernetes.io/tls", List.of("tls.crt", "tls.key"),
            "kubernetes.io/dockerconfigjson", List.of(".dockerconfigjson"), "kubernetes.io/dockercfg", List.of(".dockercfg"),
            "kubernetes.io/ssh-auth", List.of("ssh-privatekey"));

    private static ObjectNode secret(Field root) {
        root.onlyKeys(Field.keys("apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"), Set.of());
        ObjectNode out = header(root, "Secret");
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : root.entries("data").entrySet()) {
            ManifestReader.dataKey(e.getValue(), e.getKey());
            values.put(e.getKey(), base64(e.getValue()));
        }
        // stringData is written into data, over a key of the same name, as the API server does.
        for (Map.Entry<String, Field> e : root.entries("stringData").entrySet()) {
            ManifestReader.dataKey(e.getValue(), e.getKey());
            values.put(e.getKey(), e.getValue().text().getBytes(StandardCharsets.UTF_8));
        }
        long size = values.values().stream().mapToLong(v -> v.length).sum();
        if (size > MAX_DATA) {
            throw root.get("data").error("the data adds up to " + size + " bytes, more than a Secret may hold (1 MiB)");
        }
        String type = root.string("type", "Opaque");
        if (type.isEmpty()) {
            type = "Opaque";
        }
        for (String required : SECRET_KEYS.getOrDefault(type, List.of())) {
            if (!values.containsKey(required)) {
                throw root.get("data").error("a Secret of type " + type + " needs the key " + required);
            }
        }
        if (type.equals("kubernetes.io/basic-auth") && !values.containsKey("username") && !values.containsKey("password")) {
            throw root.get("data").error("a Secret of type kubernetes.io/basic-auth needs the key username or password");
        }
        ObjectNode data = NODES.objectNode();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v)));
        out.set("data", data);
        out.put("type", type);
        if (Boolean.TRUE.equals(root.bool("immutable"))) {
            out.put("immutable", true);
        }
        return out;
    }

    /**
     * The PersistentVolumeClaim a generic ephemeral volume's {@code volumeClaimTemplate} makes:
     * {@code name} in {@code namespace}, the template's labels, annotations and spec.
     */
    static ObjectNode claimOfTemplate(Field template, String name, String namespace) {
        template.onlyKeys(Field.keys("metadata", "spec"), Set.of());
        ObjectNode doc = NODES.objectNode();
        doc.put("apiVersion", "v1");
        doc.put("kind", "PersistentVolumeClaim");
        ObjectNode meta = doc.putObject("metadata");
        if (template.has("metadata")) {
            Field m = template.get("metadata").onlyKeys(Field.keys("labels", "annotations", "name", "namespace", "creationTimestamp"), Set.of());
            for (String map : List.of("labels", "annotations")) {
                if (m.has(map)) {
                    meta.set(map, m.get(map).node().deepCopy());
                }
            }
        }
        meta.put("name", name);
        meta.put("namespace", namespace);
        if (template.has("spec")) {
            doc.set("spec", template.get("spec").node().deepCopy());
        }
        try {
            return claim(new Field(doc, ""));
        } catch (PodException e) {
            // The fields are the template's: say so.
            throw PodException.invalid(template.path() + "." + (e.field() == null ? "" : e.field()).replaceFirst("^\\.", ""),
                    e.getMessage().replaceFirst("^[^:]*: ", ""));
        }
    }

    private static ObjectNode claim(Field root) {
        root.onlyKeys(Field.keys("apiVersion", "kind", "metadata", "spec", "status"), Set.of());
        ObjectNode out = header(root, "PersistentVolumeClaim");
        if (!root.has("spec")) {
            throw root.get("spec").error("required: accessModes and resources.requests.storage");
        }
        Field spec = root.get("spec").onlyKeys(Field.keys("accessModes", "resources", "storageClassName", "volumeMode", "volumeName",
                "selector"), Field.keys("dataSource", "dataSourceRef", "volumeAttributesClassName"));
        List<String> modes = spec.list("accessModes", Field::text);
        if (modes.isEmpty()) {
            throw spec.get("accessModes").error("required: at least one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod");
        }
        for (int i = 0; i < modes.size(); i++) {
            if (!Set.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod").contains(modes.get(i))) {
                throw PodException.invalid(spec.path() + ".accessModes[" + i + "]", "\"" + modes.get(i) + "\" is not an access mode:"
                        + " use ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod");
            }
        }
        String volumeMode = spec.string("volumeMode", "Filesystem");
        if (!volumeMode.equals("Filesystem")) {
            throw spec.get("volumeMode").error("\"" + volumeMode + "\": podshim's claims are directories of this node (Filesystem)");
        }
        if (!spec.has("resources")) {
            throw spec.get("resources").error("required: requests.storage, the size the claim asks for");
        }
        Field resources = spec.get("resources").onlyKeys(Field.keys("requests", "limits"), Set.of());
        Field requests = resources.get("requests");
        if (!resources.has("requests") || !requests.has("storage")) {
            throw resources.get("requests").get("storage").error("required: the size the claim asks for (e.g. 1Gi)");
        }
        try {
            io.podshim.cgroups.Quantity.parse(requests.get("storage").path(), requests.get("storage").quantityText());
        } catch (io.podshim.cgroups.CgroupException e) {
            throw PodException.invalid(e.getMessage());
        }
        ObjectNode specOut = ((ObjectNode) spec.node()).deepCopy();
        specOut.put("volumeMode", "Filesystem");
        out.set("spec", specOut);
        return out;
    }

    /** apiVersion v1, the kind, and the metadata the applier may set (the store adds uid, times, versions). */
    private static ObjectNode header(Field root, String kind) {
        if (!"v1".equals(root.string("apiVersion"))) {
            throw root.get("apiVersion").error("\"" + root.string("apiVersion") + "\" is not supported: use v1");
        }
        Field metadata = root.get("metadata").onlyKeys(METADATA, Set.of());
        String name = metadata.string("name");
        if (name.length() > 253 || !ManifestReader.SUBDOMAIN.matcher(name).matches()) {
            throw metadata.get("name").error("\"" + name + "\" is not a valid name: use lowercase letters, digits, '-' and '.',"
                    + " starting and ending with a letter or digit");
        }
        String namespace = metadata.string("namespace", "default");
        if (!ManifestReader.DNS_LABEL.matcher(namespace).matches()) {
            throw metadata.get("namespace").error("\"" + namespace + "\" is not a valid namespace: use at most 63 lowercase letters,"
                    + " digits and '-'");
        }
        ObjectNode out = NODES.objectNode();
        out.put("apiVersion", "v1");
        out.put("kind", kind);
        ObjectNode meta = out.putObject("metadata");
        meta.put("name", name);
        meta.put("namespace", namespace);
        for (String map : List.of("labels", "annotations")) {
            ObjectNode entries = NODES.objectNode();
            metadata.entries(map).forEach((k, v) -> entries.put(k, v.text()));
            if (!entries.isEmpty()) {
                meta.set(map, entries);
            }
        }
        return out;
    }

    private static byte[] base64(Field value) {
        try {
            return Base64.getDecoder().decode(value.text().replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw value.error("is not valid base64 (the value itself is never shown): give the value base64-encoded, or put it in stringData");
        }
    }
}
