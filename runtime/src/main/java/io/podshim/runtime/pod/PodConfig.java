package io.podshim.runtime.pod;

import com.fasterxml.jackson.databind.JsonNode;
import io.podshim.runtime.config.ApiObjects;
import io.podshim.runtime.config.AtomicWriter.FileContent;
import io.podshim.runtime.config.Expansion;
import io.podshim.runtime.container.Volume;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a pod's ConfigMaps, Secrets and own facts make of its containers' environment and of its
 * configMap, secret, downwardAPI and projected volumes, as kubelet computes them when it starts a
 * container and when it syncs those volumes. What is missing throws {@link MissingConfig}.
 * Supervisor thread only.
 */
final class PodConfig {
    /** kubelet's defaultMode for these volumes (0644). */
    static final int DEFAULT_MODE = 0644;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final PodRun pod;

    PodConfig(PodRun pod) {
        this.pod = pod;
    }

    /** The container's variables, envFrom first then env in order, each literal expanded over those before it. */
    Map<String, String> env(PodManifest.Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : c.envFrom()) {
            Optional<JsonNode> object = object(from.configMapName() != null ? "ConfigMap" : "Secret", from.objectName());
            if (object.isEmpty()) {
                if (from.optional()) {
                    continue;
                }
                throw new MissingConfig(from.kind() + " \"" + from.objectName() + "\" not found");
            }
            keyValues(object.get()).forEach((k, v) -> {
                String name = (from.prefix() == null ? "" : from.prefix()) + k;
                if (!name.isEmpty() && !name.contains("=")) {
                    env.put(name, v);
                }
            });
        }
        for (EnvVar v : c.env()) {
            if (v.valueFrom() == null) {
                env.put(v.name(), Expansion.expand(v.value(), env::get));
                continue;
            }
            String value = valueFrom(v.valueFrom(), c);
            if (value != null) {
                env.put(v.name(), value);
            }
        }
        return env;
    }

    /**
     * The env of a container that runs already (taken over by a restarted daemon): as it was
     * resolved, unless what it came from has gone since; then its literal variables alone.
     */
    Map<String, String> envOrLiterals(PodManifest.Container c) {
        try {
            return env(c);
        } catch (MissingConfig e) {
            Map<String, String> env = new LinkedHashMap<>();
            c.env().stream().filter(v -> v.valueFrom() == null).forEach(v -> env.put(v.name(), Expansion.expand(v.value(), env::get)));
            return env;
        }
    }

    /** A ConfigMap's data or a Secret's decoded data (envFrom and key references take no binaryData, as kubelet's). */
    private static Map<String, String> keyValues(JsonNode object) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean secret = object.path("kind").asText().equals("Secret");
        object.path("data").fields().forEachRemaining(e -> values.put(e.getKey(), secret ? new String(java.util.Base64
                .getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8) : e.getValue().asText()));
        return values;
    }

    /** The value, or null for an optional reference to what is not there (the variable is left out). */
    private String valueFrom(EnvVar.ValueFrom from, PodManifest.Container c) {
        if (from.fieldPath() != null) {
            return field(from.fieldPath());
        }
        if (from.resourceFieldRef() != null) {
            EnvVar.ResourceRef r = from.resourceFieldRef();
            return resource(r.containerName() == null || r.containerName().isEmpty() ? c : container(r.containerName()),
                    pod.manifest.spec().resources(), r.resource(), r.divisor());
        }
        boolean secret = from.secretKeyRef() != null;
        EnvVar.KeyRef ref = secret ? from.secretKeyRef() : from.configMapKeyRef();
        Optional<JsonNode> object = object(secret ? "Secret" : "ConfigMap", ref.name());
        if (object.isEmpty()) {
            if (ref.optional()) {
                return null;
            }
            throw new MissingConfig((secret ? "secret" : "configmap") + " \"" + ref.name() + "\" not found");
        }
        String value = keyValues(object.get()).get(ref.key());
        if (value == null && !ref.optional()) {
            throw new MissingConfig("couldn't find key " + ref.key() + " in " + (secret ? "Secret " : "ConfigMap ")
                    + pod.manifest.namespace() + "/" + ref.name());
        }
        return value;
    }

    /** A fieldRef's value, as kubelet's podFieldSelectorRuntimeValue gives it. */
    String field(String path) {
        PodManifest m = pod.manifest;
        java.util.regex.Matcher subscript = ManifestReader.SUBSCRIPT.matcher(path);
        if (subscript.matches()) {
            Map<String, String> map = subscript.group(1).equals("labels") ? m.labels() : m.annotations();
            return map.getOrDefault(subscript.group(2), "");
        }
        List<String> ips = PodStatusView.podIPs(pod);
        String host = pod.engine.hostIP();
        return switch (path) {
            case "metadata.name" -> m.name();
            case "metadata.namespace" -> m.namespace();
            case "metadata.uid" -> m.uid();
            case "metadata.labels" -> formatMap(m.labels());
            case "metadata.annotations" -> formatMap(m.annotations());
            case "spec.nodeName" -> pod.engine.nodeLabels().get("kubernetes.io/hostname");
            case "spec.serviceAccountName" -> serviceAccount(m);
            case "status.hostIP" -> host == null ? "" : host;
            case "status.hostIPs" -> host == null ? "" : host;
            case "status.podIP" -> ips.isEmpty() ? "" : ips.get(0);
            case "status.podIPs" -> String.join(",", ips);
            default -> throw new IllegalStateException("fieldPath " + path + " passed the reader");
        };
    }

    private static String serviceAccount(PodManifest m) {
        JsonNode spec = m.source() == null ? null : m.source().path("spec");
        String name = spec == null ? "" : spec.path("serviceAccountName").asText(spec.path("serviceAccount").asText(""));
        return name.isEmpty() ? "default" : name;
    }

    /** As kubelet's FormatMap: key="value" lines in key order, quoted as Go quotes, no newline after the last. */
    static String formatMap(Map<String, String> map) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(map).forEach((k, v) -> out.append(out.length() == 0 ? "" : "\n").append(k).append('=').append(quote(v)));
        return out.toString();
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) {
                        out.append(String.format("\\x%02x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private PodManifest.Container container(String name) {
        return pod.manifest.allContainers().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("container " + name + " passed the reader"));
    }

    /**
     * A container's limit or request in units of {@code divisor}, rounded up; an unset limit is
     * the pod's (pod-level resources), else the node's capacity (its CPUs, its memory), an unset
     * request 0 (or the limit, as the API server defaults a request to it), as kubelet gives them.
     */
    static String resource(PodManifest.Container c, PodManifest.Resources pod, String resource, String divisor) {
        PodManifest.Resources r = c.resources();
        boolean cpu = resource.endsWith(".cpu");
        Long value = switch (resource) {
            case "limits.cpu" -> r.cpuLimitMilli() != null ? r.cpuLimitMilli() : pod.cpuLimitMilli() != null ? pod.cpuLimitMilli()
                    : Runtime.getRuntime().availableProcessors() * 1000L;
            case "requests.cpu" -> r.cpuRequestMilli() != null ? r.cpuRequestMilli() : r.cpuLimitMilli() != null ? r.cpuLimitMilli() : 0L;
            case "limits.memory" -> r.memoryLimitBytes() != null ? r.memoryLimitBytes() : pod.memoryLimitBytes() != null
                    ? pod.memoryLimitBytes() : nodeMemory();
            case "requests.memory" -> r.memoryRequestBytes() != null ? r.memoryRequestBytes()
                    : r.memoryLimitBytes() != null ? r.memoryLimitBytes() : 0L;
            default -> throw new IllegalStateException("resource " + resource + " passed the reader");
        };
        io.podshim.cgroups.Quantity d = io.podshim.cgroups.Quantity.parse("divisor", divisor == null ? "1" : divisor);
        java.math.BigDecimal unit = cpu ? java.math.BigDecimal.valueOf(d.milli("divisor")) : d.value();
        return java.math.BigDecimal.valueOf(value).divide(unit, 0, java.math.RoundingMode.CEILING).toPlainString();
    }

    private static long nodeMemory() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            // below
        }
        return Long.MAX_VALUE;
    }

    /** The files of each configMap, secret, downwardAPI and projected volume of the pod, by volume name. */
    Map<String, Map<String, FileContent>> volumes() {
        Map<String, Map<String, FileContent>> all = new LinkedHashMap<>();
        for (Volume v : pod.manifest.spec().volumes()) {
            if (v.source() instanceof Volume.Projection) {
                all.put(v.name(), files(v));
            }
        }
        return all;
    }

    /** The files of one such volume; what is missing is kubelet's FailedMount message. */
    Map<String, FileContent> files(Volume v) {
        Map<String, FileContent> files = new TreeMap<>();
        try {
            project((Volume.Projection) v.source(), null, files);
        } catch (MissingConfig e) {
            throw new MissingConfig("MountVolume.SetUp failed for volume \"" + v.name() + "\" : " + e.getMessage());
        }
        Long fsGroup = pod.manifest.spec().security().fsGroup();
        if (fsGroup != null) {
            // As kubelet's SetVolumeOwnership of a read-only volume: the group may read every file.
            files.replaceAll((path, f) -> new FileContent(f.data(), f.mode() | 0440));
        }
        return files;
    }

    private void project(Volume.Projection source, Integer outerMode, Map<String, FileContent> files) {
        if (source instanceof Volume.Projected projected) {
            for (Volume.Projection s : projected.sources()) {
                project(s, projected.defaultMode(), files);
            }
        } else if (source instanceof Volume.ConfigMap cm) {
            keys("ConfigMap", cm.name(), cm.items(), outerMode != null ? outerMode : cm.defaultMode(), cm.optional(), files);
        } else if (source instanceof Volume.Secret s) {
            keys("Secret", s.secretName(), s.items(), outerMode != null ? outerMode : s.defaultMode(), s.optional(), files);
        } else if (source instanceof Volume.DownwardAPI d) {
            int mode = outerMode != null ? outerMode : d.defaultMode() != null ? d.defaultMode() : DEFAULT_MODE;
            for (Volume.DownwardFile f : d.items()) {
                String value = f.fieldPath() != null ? field(f.fieldPath()) : resource(container(f.containerName()),
                        pod.manifest.spec().resources(), f.resource(), f.divisor());
                files.put(f.path(), new FileContent(value.getBytes(StandardCharsets.UTF_8), f.mode() != null ? f.mode() : mode));
            }
        }
    }

    private void keys(String kind, String name, List<Volume.KeyToPath> items, Integer defaultMode, boolean optional,
                      Map<String, FileContent> files) {
        int mode = defaultMode != null ? defaultMode : DEFAULT_MODE;
        Optional<JsonNode> object = object(kind, name);
        if (object.isEmpty()) {
            if (optional) {
                return;
            }
            throw new MissingConfig(kind.toLowerCase(java.util.Locale.ROOT) + " \"" + name + "\" not found");
        }
        Map<String, byte[]> values = ApiObjects.values(object.get());
        if (items.isEmpty()) {
            values.forEach((k, v) -> files.put(k, new FileContent(v, mode)));
            return;
        }
        for (Volume.KeyToPath item : items) {
            byte[] value = values.get(item.key());
            if (value == null) {
                if (optional) {
                    continue;
                }
                throw new MissingConfig(kind.equals("Secret") ? "references non-existent secret key: " + item.key()
                        : "configmap references non-existent config key: " + item.key());
            }
            files.put(item.path(), new FileContent(value, item.mode() != null ? item.mode() : mode));
        }
    }

    /** What a pull for this pod is offered: the credentials of its imagePullSecrets, by registry host. */
    record PullSecrets(java.util.function.Function<String, Optional<io.podshim.runtime.image.registry.RegistryAuth.Credentials>> offered,
                       String offeredBy, List<String> missing) {}

    /**
     * The pod's imagePullSecrets, as kubelet offers them to a pull: each Secret of type
     * kubernetes.io/dockerconfigjson (its {@code .dockerconfigjson} auths) or dockercfg, in order;
     * one that is missing is left out (and said), the pull goes on without it.
     */
    PullSecrets pullSecrets() {
        List<String> names = new java.util.ArrayList<>();
        if (pod.manifest.source() != null) {
            pod.manifest.source().path("spec").path("imagePullSecrets").forEach(s -> names.add(s.path("name").asText()));
        }
        List<JsonNode> auths = new java.util.ArrayList<>();
        List<java.nio.file.Path> sources = new java.util.ArrayList<>();
        List<String> missing = new java.util.ArrayList<>();
        StringBuilder by = new StringBuilder();
        for (String name : names) {
            Optional<JsonNode> secret = object("Secret", name);
            if (secret.isEmpty()) {
                missing.add(name);
                continue;
            }
            Map<String, byte[]> values = ApiObjects.values(secret.get());
            try {
                if (values.containsKey(".dockerconfigjson")) {
                    auths.add(JSON.readTree(values.get(".dockerconfigjson")).path("auths"));
                } else if (values.containsKey(".dockercfg")) {
                    auths.add(JSON.readTree(values.get(".dockercfg")));
                } else {
                    missing.add(name);
                    continue;
                }
            } catch (java.io.IOException e) {
                missing.add(name);
                continue;
            }
            sources.add(java.nio.file.Path.of("secret " + pod.manifest.namespace() + "/" + name));
            by.append(by.length() == 0 ? "" : ",").append(pod.manifest.namespace()).append('/').append(name).append('@')
                    .append(secret.get().path("metadata").path("resourceVersion").asText());
        }
        return new PullSecrets(registry -> {
            for (int i = 0; i < auths.size(); i++) {
                Optional<io.podshim.runtime.image.registry.RegistryAuth.Credentials> found =
                        io.podshim.runtime.image.registry.RegistryAuth.match(auths.get(i), registry, sources.get(i));
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }, by.toString(), missing);
    }

    private Optional<JsonNode> object(String kind, String name) {
        return pod.engine.objects().get(new ApiObjects.Key(kind, pod.manifest.namespace(), name)).map(o -> (JsonNode) o);
    }

    /** Whether a change of {@code key} can change what this pod's containers or volumes are given. */
    static boolean uses(PodManifest m, ApiObjects.Key key) {
        if (!key.namespace().equals(m.namespace())) {
            return false;
        }
        for (PodManifest.Container c : m.allContainers()) {
            for (EnvFromSource f : c.envFrom()) {
                if (names(key, f.configMapName(), f.secretName())) {
                    return true;
                }
            }
            for (EnvVar v : c.env()) {
                if (v.valueFrom() != null && names(key, v.valueFrom().configMapKeyRef() == null ? null
                        : v.valueFrom().configMapKeyRef().name(), v.valueFrom().secretKeyRef() == null ? null : v.valueFrom().secretKeyRef().name())) {
                    return true;
                }
            }
        }
        for (Volume v : m.spec().volumes()) {
            if (v.source() instanceof Volume.Projection p && uses(p, key)) {
                return true;
            }
        }
        return false;
    }

    private static boolean uses(Volume.Projection p, ApiObjects.Key key) {
        if (p instanceof Volume.Projected projected) {
            return projected.sources().stream().anyMatch(s -> uses(s, key));
        }
        if (p instanceof Volume.ConfigMap cm) {
            return names(key, cm.name(), null);
        }
        if (p instanceof Volume.Secret s) {
            return names(key, null, s.secretName());
        }
        return false;
    }

    private static boolean names(ApiObjects.Key key, String configMap, String secret) {
        return key.kind().equals("ConfigMap") && key.name().equals(configMap) || key.kind().equals("Secret") && key.name().equals(secret);
    }
}
