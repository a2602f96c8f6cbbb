package io.podshim.runtime.pod;

import com.fasterxml.jackson.databind.JsonNode;
import io.podshim.runtime.PodException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What kubelet's admission checks before it runs a pod that was put on its node: that the node
 * meets the pod's {@code nodeSelector} and its required node affinity
 * ({@code requiredDuringSchedulingIgnoredDuringExecution}: any one term, each of whose expressions
 * must hold). A pod that does not fit is refused, as kubelet rejects it ({@code NodeAffinity}).
 */
public final class NodeAdmission {
    private NodeAdmission() {}

    /** This node's well-known labels ({@code kubernetes.io/os}, {@code /arch}, {@code /hostname}), then {@code extra}. */
    public static Map<String, String> nodeLabels(Map<String, String> extra) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/os", "linux");
        String arch = System.getProperty("os.arch");
        labels.put("kubernetes.io/arch", arch.equals("amd64") || arch.equals("x86_64") ? "amd64" : arch.equals("aarch64") ? "arm64" : arch);
        labels.put("kubernetes.io/hostname", nodeName());
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("beta.kubernetes.io/arch", labels.get("kubernetes.io/arch"));
        if (extra != null) {
            labels.putAll(extra);
        }
        return labels;
    }

    /** The node's name: its hostname, as kubelet takes it by default (lowercase). */
    public static String nodeName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim().toLowerCase();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    static void check(PodManifest pod, Map<String, String> node) {
        JsonNode spec = pod.source() == null ? null : pod.source().path("spec");
        if (spec == null) {
            return;
        }
        List<String> unmet = new ArrayList<>();
        spec.path("nodeSelector").fields().forEachRemaining(e -> {
            if (!e.getValue().asText().equals(node.get(e.getKey()))) {
                unmet.add("spec.nodeSelector: " + e.getKey() + "=" + e.getValue().asText() + " (the node has "
                        + (node.containsKey(e.getKey()) ? e.getKey() + "=" + node.get(e.getKey()) : "no such label") + ")");
            }
        });
        JsonNode terms = spec.path("affinity").path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")
                .path("nodeSelectorTerms");
        if (terms.isArray() && !terms.isEmpty()) {
            boolean any = false;
            for (JsonNode term : terms) {
                any |= holds(term.path("matchExpressions"), node) && holds(term.path("matchFields"),
                        Map.of("metadata.name", node.getOrDefault("kubernetes.io/hostname", "")));
            }
            if (!any) {
                unmet.add("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution: no term matches the node's"
                        + " labels " + node);
            }
        }
        if (!unmet.isEmpty()) {
            String field = unmet.get(0).substring(0, unmet.get(0).indexOf(':'));
            StringBuilder labels = new StringBuilder();
            new java.util.TreeMap<>(node).forEach((k, v) -> labels.append(labels.length() == 0 ? "" : ",").append(k).append('=').append(v));
            throw PodException.invalidAt(field, "Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node"
                    + " affinity/selector: " + String.join("; ", unmet) + "; this node's labels are " + labels
                    + " (podshim daemon --node-labels adds more)");
        }
    }

    private static boolean holds(JsonNode expressions, Map<String, String> labels) {
        for (JsonNode e : expressions) {
            String key = e.path("key").asText();
            List<String> values = new ArrayList<>();
            e.path("values").forEach(v -> values.add(v.asText()));
            String value = labels.get(key);
            boolean ok = switch (e.path("operator").asText()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                case "Gt" -> value != null && !values.isEmpty() && number(value) > number(values.get(0));
                case "Lt" -> value != null && !values.isEmpty() && number(value) < number(values.get(0));
                default -> throw PodException.invalid("spec.affinity.nodeAffinity", "\"" + e.path("operator").asText()
                        + "\" is not a node selector operator: use In, NotIn, Exists, DoesNotExist, Gt or Lt");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
