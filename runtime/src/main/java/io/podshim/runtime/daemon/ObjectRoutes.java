package io.podshim.runtime.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.PodException;
import io.podshim.runtime.pod.ObjectReader;
import io.podshim.runtime.pod.PodEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API of what pods are given besides their own manifest:
 * <pre>
 *   POST   /v1/objects?apply=true        create or update one document of any kind podshim serves (Pod, ConfigMap,
 *                                        Secret, PersistentVolumeClaim) → {"kind": …, "name": …, "action": …};
 *                                        without apply=true, create only (409 if it exists: kubectl create)
 *   GET    /v1/configmaps, /v1/secrets, /v1/persistentvolumeclaims   ?namespace=NS (none: all)&amp;output=json|yaml|table|name
 *   GET    /v1/KIND/NAME                 one   ?namespace=NS&amp;output=…
 *   DELETE /v1/KIND/NAME                 delete ?namespace=NS (a claim with its volume, unless a pod uses it)
 *   GET    /v1/volumes                   the claims' volumes, with the pods that use them  ?output=json|table
 *   DELETE /v1/volumes/NAME              remove one, unless a pod uses it  ?namespace=NS
 * </pre>
 * A Secret's values are in its {@code data} (base64), as the API server gives them to whoever may
 * read Secrets (here, whoever may reach the socket); a table shows only how many keys it has.
 */
final class ObjectRoutes {
    private static final Pattern ONE = Pattern.compile("/v1/(configmaps|secrets|persistentvolumeclaims|volumes)(?:/([^/]+))?");
    private static final Map<String, String> KINDS = Map.of("configmaps", "ConfigMap", "secrets", "Secret",
            "persistentvolumeclaims", "PersistentVolumeClaim");

    record Reply(int status, String contentType, String body) {}

    private final PodEngine engine;

    ObjectRoutes(PodEngine engine) {
        this.engine = engine;
    }

    /** The answer to {@code method path}, or null if it is not one of these routes. */
    Reply handle(String method, String path, String namespace, String output, String body, boolean apply) {
        if (path.equals("/v1/objects") && method.equals("POST")) {
            ObjectReader.Document document = ObjectReader.read(body);
            if (!apply && document.pod() == null && engine.object(document.kind(), document.namespace(), document.name()).isPresent()) {
                // kubectl create: what is there already is not touched.
                throw PodException.conflict(null, plural(document.kind()) + " \"" + document.name() + "\" already exists");
            }
            PodEngine.AppliedObject applied = engine.applyObject(document);
            return new Reply(applied.action().equals("created") ? 201 : 200, "application/json", Render.json(Map.of("kind",
                    applied.kind(), "name", applied.name(), "action", applied.action())));
        }
        Matcher m = ONE.matcher(path);
        if (!m.matches()) {
            return null;
        }
        String resource = m.group(1);
        String name = m.group(2);
        if (resource.equals("volumes")) {
            return volumes(method, name, namespace == null ? "default" : namespace, output);
        }
        String kind = KINDS.get(resource);
        if (method.equals("DELETE") && name != null) {
            engine.deleteObject(kind, namespace == null ? "default" : namespace, name);
            return new Reply(200, "text/plain; charset=utf-8", singular(kind) + " \"" + name + "\" deleted\n");
        }
        if (!method.equals("GET")) {
            return null;
        }
        if (name != null) {
            String ns = namespace == null ? "default" : namespace;
            ObjectNode object = engine.object(kind, ns, name).orElseThrow(() -> PodException.notFound(resource + " \"" + name
                    + "\" not found" + (ns.equals("default") ? "" : " in namespace \"" + ns + "\"")));
            return render(kind, List.of(object), false, output, true);
        }
        return render(kind, engine.objects(kind, namespace), namespace == null, output, false);
    }

    private Reply render(String kind, List<ObjectNode> objects, boolean allNamespaces, String output, boolean single) {
        Object value = single ? objects.get(0) : io.podshim.runtime.kube.PodObject.list(objects);
        return switch (output) {
            case "yaml" -> new Reply(200, "application/yaml", Render.yaml(value));
            case "json" -> new Reply(200, "application/json", Render.json(value));
            case "name" -> new Reply(200, "text/plain; charset=utf-8", objects.stream().map(o -> singular(kind) + "/"
                    + o.path("metadata").path("name").asText() + "\n").reduce("", String::concat));
            case "table", "wide" -> new Reply(200, "text/plain; charset=utf-8", objects.isEmpty() ? "No resources found\n"
                    : table(kind, objects, allNamespaces, Instant.now()));
            case "describe" -> new Reply(200, "text/plain; charset=utf-8", describe(kind, objects.get(0)));
            default -> throw PodException.invalid("output \"" + output + "\" is not supported here: use json, yaml, name or table");
        };
    }


    /** kubectl's columns: configmaps NAME DATA AGE; secrets NAME TYPE DATA AGE; claims NAME STATUS VOLUME CAPACITY … */
    static String table(String kind, List<ObjectNode> objects, boolean allNamespaces, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(switch (kind) {
            case "ConfigMap" -> List.of("NAME", "DATA", "AGE");
            case "Secret" -> List.of("NAME", "TYPE", "DATA", "AGE");
            default -> List.of("NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE");
        });
        if (allNamespaces) {
            header.add(0, "NAMESPACE");
        }
        rows.add(header);
        for (ObjectNode o : objects) {
            JsonNode meta = o.path("metadata");
            String age = Render.age(Instant.parse(meta.path("creationTimestamp").asText()), now);
            String data = Integer.toString(o.path("data").size() + o.path("binaryData").size());
            List<String> row = new ArrayList<>(switch (kind) {
                case "ConfigMap" -> List.of(meta.path("name").asText(), data, age);
                case "Secret" -> List.of(meta.path("name").asText(), o.path("type").asText(), data, age);
                default -> List.of(meta.path("name").asText(), o.path("status").path("phase").asText(),
                        "pvc-" + meta.path("uid").asText(), o.path("status").path("capacity").path("storage").asText(),
                        accessModes(o.path("spec").path("accessModes")), o.path("spec").path("storageClassName").asText("<unset>"),
                        "<unset>", age);
            });
            if (allNamespaces) {
                row.add(0, meta.path("namespace").asText());
            }
            rows.add(row);
        }
        return columns(rows);
    }

    /**
     * As kubectl describe shows them: a ConfigMap's data, a Secret's keys with their sizes alone
     * (never a value), a claim's binding and the pods that use it.
     */
    private String describe(String kind, ObjectNode o) {
        JsonNode meta = o.path("metadata");
        StringBuilder out = new StringBuilder();
        String pad = kind.equals("PersistentVolumeClaim") ? "%-15s%s%n" : "%-14s%s%n";
        out.append(String.format(pad, "Name:", meta.path("name").asText()));
        out.append(String.format(pad, "Namespace:", meta.path("namespace").asText()));
        if (kind.equals("PersistentVolumeClaim")) {
            out.append(String.format(pad, "StorageClass:", o.path("spec").path("storageClassName").asText("")));
            out.append(String.format(pad, "Status:", o.path("status").path("phase").asText()));
            out.append(String.format(pad, "Volume:", "pvc-" + meta.path("uid").asText()));
        }
        out.append(String.format(pad, "Labels:", pairs(meta.path("labels"))));
        out.append(String.format(pad, "Annotations:", pairs(meta.path("annotations"))));
        switch (kind) {
            case "ConfigMap" -> {
                out.append("\nData\n====\n");
                o.path("data").fields().forEachRemaining(e -> out.append(e.getKey()).append(":\n----\n").append(e.getValue().asText())
                        .append("\n\n"));
                out.append("\nBinaryData\n====\n");
                o.path("binaryData").fields().forEachRemaining(e -> out.append(e.getKey()).append(": ")
                        .append(java.util.Base64.getDecoder().decode(e.getValue().asText()).length).append(" bytes\n"));
            }
            case "Secret" -> {
                out.append("\nType:  ").append(o.path("type").asText()).append("\n\nData\n====\n");
                o.path("data").fields().forEachRemaining(e -> out.append(e.getKey()).append(":  ")
                        .append(java.util.Base64.getDecoder().decode(e.getValue().asText()).length).append(" bytes\n"));
            }
            default -> {
                out.append(String.format(pad, "Capacity:", o.path("status").path("capacity").path("storage").asText()));
                out.append(String.format(pad, "Access Modes:", accessModes(o.path("spec").path("accessModes"))));
                out.append(String.format(pad, "VolumeMode:", o.path("spec").path("volumeMode").asText("Filesystem")));
                List<String> users = engine.volumes().stream().filter(v -> v.namespace().equals(meta.path("namespace").asText())
                        && v.name().equals(meta.path("name").asText())).flatMap(v -> v.usedBy().stream()).toList();
                out.append(String.format(pad, "Used By:", users.isEmpty() ? "<none>" : String.join(", ", users)));
            }
        }
        out.append(String.format(pad, "Events:", "<none>"));
        return out.toString();
    }

    private static String pairs(JsonNode map) {
        if (map.isMissingNode() || map.isEmpty()) {
            return "<none>";
        }
        List<String> lines = new ArrayList<>();
        map.fields().forEachRemaining(e -> lines.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join("\n              ", lines);
    }

    private static String accessModes(JsonNode modes) {
        List<String> short_ = new ArrayList<>();
        modes.forEach(m -> short_.add(switch (m.asText()) {
            case "ReadWriteOnce" -> "RWO";
            case "ReadOnlyMany" -> "ROX";
            case "ReadWriteMany" -> "RWX";
            default -> "RWOP";
        }));
        return String.join(",", short_);
    }

    private Reply volumes(String method, String name, String namespace, String output) {
        if (method.equals("DELETE") && name != null) {
            engine.removeVolume(namespace, name);
            return new Reply(200, "text/plain; charset=utf-8", name + "\n");
        }
        if (!method.equals("GET") || name != null) {
            return null;
        }
        List<PodEngine.VolumeInfo> volumes = engine.volumes();
        if (!output.equals("table")) {
            return new Reply(200, "application/json", Render.json(volumes.stream().map(v -> Map.of("namespace", v.namespace(),
                    "name", v.name(), "path", v.path().toString(), "usedBy", v.usedBy())).toList()));
        }
        if (volumes.isEmpty()) {
            return new Reply(200, "text/plain; charset=utf-8", "No volumes\n");
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("NAMESPACE", "NAME", "USED BY", "PATH"));
        volumes.forEach(v -> rows.add(List.of(v.namespace(), v.name(), v.usedBy().isEmpty() ? "<none>" : String.join(",", v.usedBy()),
                v.path().toString())));
        return new Reply(200, "text/plain; charset=utf-8", columns(rows));
    }

    /** Left-aligned columns three spaces apart, as kubectl prints them. */
    private static String columns(List<List<String>> rows) {
        int[] width = new int[rows.get(0).size()];
        rows.forEach(r -> {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + (width[i] + 3) + "s", r.get(i)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** The API's collection of a kind: configmaps, secrets, persistentvolumeclaims. */
    static String plural(String kind) {
        return singular(kind) + "s";
    }

    /** kubectl's lower-case singular word for a kind: configmap, secret, persistentvolumeclaim. */
    static String singular(String kind) {
        return kind.toLowerCase(Locale.ROOT);
    }
}
