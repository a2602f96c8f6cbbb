package io.podshim.runtime.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.pod.PodManifest;
import java.util.List;

/**
 * A pod's spec as submitted, with what the API server fills in when it stores a Pod (its defaulting
 * functions for v1: the restart policy, grace period, DNS policy, each container's pull policy,
 * termination message and probe thresholds), so that {@code get -o yaml} shows what Kubernetes would.
 * Where podshim runs a pod differently from the API server's default (the pid namespace is shared
 * unless the spec says not), the spec shows what runs.
 */
public final class ApiDefaults {
    private ApiDefaults() {}

    /** {@code submitted}'s spec (a Pod object) with the defaults in, for {@code manifest} running on node {@code nodeName}. */
    public static ObjectNode spec(JsonNode submitted, PodManifest manifest, String nodeName) {
        JsonNode given = submitted == null ? null : submitted.path("spec");
        ObjectNode spec = given instanceof ObjectNode o ? o.deepCopy() : fallback(manifest);
        putIfAbsent(spec, "restartPolicy", manifest.spec().restartPolicy().spelling());
        putIfAbsent(spec, "terminationGracePeriodSeconds", manifest.spec().terminationGracePeriodSeconds());
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        putIfAbsent(spec, "enableServiceLinks", true);
        putIfAbsent(spec, "preemptionPolicy", "PreemptLowerPriority");
        putIfAbsent(spec, "priority", 0);
        putIfAbsent(spec, "shareProcessNamespace", manifest.spec().shareProcessNamespace());
        putIfAbsent(spec, "nodeName", nodeName);
        if (!spec.has("securityContext")) {
            spec.putObject("securityContext");
        }
        containers(spec.path("initContainers"), manifest.spec().initContainers());
        containers(spec.path("containers"), manifest.spec().containers());
        if (spec.path("volumes") instanceof ArrayNode volumes) {
            for (JsonNode v : volumes) {
                if (v instanceof ObjectNode volume && volume.size() == 1 && volume.has("name")) {
                    volume.putObject("emptyDir"); // a volume with no source is an emptyDir
                }
                for (String kind : List.of("configMap", "secret", "downwardAPI", "projected")) {
                    if (v.path(kind) instanceof ObjectNode source) {
                        putIfAbsent(source, "defaultMode", 420); // 0644, as the API server defaults it
                    }
                }
            }
        }
        return spec;
    }

    private static void containers(JsonNode list, List<PodManifest.Container> read) {
        if (!(list instanceof ArrayNode containers)) {
            return;
        }
        for (int i = 0; i < containers.size(); i++) {
            if (!(containers.get(i) instanceof ObjectNode c)) {
                continue;
            }
            putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
            putIfAbsent(c, "terminationMessagePolicy", "File");
            if (i < read.size()) {
                putIfAbsent(c, "imagePullPolicy", read.get(i).imagePullPolicy());
            }
            if (!c.has("resources")) {
                c.putObject("resources");
            }
            if (c.path("ports") instanceof ArrayNode ports) {
                ports.forEach(p -> {
                    if (p instanceof ObjectNode port) {
                        putIfAbsent(port, "protocol", "TCP");
                    }
                });
            }
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                if (c.get(probe) instanceof ObjectNode p) {
                    putIfAbsent(p, "timeoutSeconds", 1);
                    putIfAbsent(p, "periodSeconds", 10);
                    putIfAbsent(p, "successThreshold", 1);
                    putIfAbsent(p, "failureThreshold", 3);
                    if (p.get("httpGet") instanceof ObjectNode http) {
                        putIfAbsent(http, "scheme", "HTTP");
                        putIfAbsent(http, "path", "/");
                    }
                }
            }
        }
    }

    /** A record of an earlier podshim kept no submitted object: the containers' names and images at least. */
    private static ObjectNode fallback(PodManifest manifest) {
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        for (String list : List.of("initContainers", "containers")) {
            List<PodManifest.Container> containers = list.equals("containers") ? manifest.spec().containers()
                    : manifest.spec().initContainers();
            if (!containers.isEmpty()) {
                ArrayNode items = spec.putArray(list);
                containers.forEach(c -> items.addObject().put("name", c.name()).put("image", c.image()));
            }
        }
        return spec;
    }

    private static void putIfAbsent(ObjectNode node, String key, Object value) {
        if (node.has(key) && !node.get(key).isNull() || value == null) {
            return;
        }
        if (value instanceof Boolean b) {
            node.put(key, b);
        } else if (value instanceof Number n) {
            long v = n.longValue();
            if (v == (int) v) {
                node.put(key, (int) v); // as a parser reads a small number back: the same node, so specs compare equal
            } else {
                node.put(key, v);
            }
        } else {
            node.put(key, value.toString());
        }
    }
}
