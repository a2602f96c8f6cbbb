package io.podshim.runtime.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.podshim.runtime.pod.ContainerState;
import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.PodEvent;
import io.podshim.runtime.pod.PodStatus;
import java.time.Instant;
import java.util.List;

/** {@code podshim describe pod}: a pod as kubectl describes it, with what podshim adds to see it. */
final class Description {
    private Description() {}

    /**
     * {@code kubectl describe pod}'s layout: the pod, its init, app and ephemeral containers (ids,
     * image, command, state with its reason, exit code and times, last state, readiness, restarts),
     * conditions, volumes, QoS class, and the events table; with what podshim adds to see the pod:
     * the pause pid, the pod cgroup and the limits written to it, each container's pid.
     */
    static String of(PodStatus p, String node, Instant now) {
        StringBuilder out = new StringBuilder();
        com.fasterxml.jackson.databind.JsonNode spec = io.podshim.runtime.kube.ApiDefaults.spec(p.manifest().source(), p.manifest(), node);
        line(out, "Name:", p.name());
        line(out, "Namespace:", p.namespace());
        line(out, "Priority:", spec.path("priority").asText("0"));
        line(out, "Service Account:", spec.path("serviceAccountName").asText("default"));
        line(out, "Node:", node + (p.hostIP() == null ? "" : "/" + p.hostIP()));
        line(out, "Start Time:", p.startTime() == null ? "<none>" : KUBE_TIME.format(p.startTime()));
        pairs(out, "Labels:", p.manifest().labels());
        pairs(out, "Annotations:", p.manifest().annotations());
        if (p.deletionTimestamp() != null) {
            line(out, "Status:", "Terminating (lasts " + p.deletionGracePeriodSeconds() + "s)");
            line(out, "Termination Grace Period:", p.deletionGracePeriodSeconds() + "s");
        } else {
            line(out, "Status:", p.phase());
        }
        if (p.reason() != null) {
            line(out, "Reason:", p.reason());
        }
        if (p.message() != null) {
            line(out, "Message:", p.message());
        }
        line(out, "IP:", p.podIP() == null ? "" : p.podIP());
        out.append("IPs:").append(p.podIPs().isEmpty() ? "              <none>\n" : "\n");
        p.podIPs().forEach(ip -> out.append("  IP:  ").append(ip).append('\n'));
        line(out, "Pause PID:", p.pausePid() == 0 ? "<none: the sandbox is gone>" : Integer.toString(p.pausePid()));
        line(out, "Cgroup:", p.cgroup());
        p.cgroupLimits().forEach((k, v) -> out.append(String.format("  %-13s %s%n", k + ":", v)));
        containers(out, "Init Containers:", p.initContainers(), spec.path("initContainers"), now);
        containers(out, "Containers:", p.containers(), spec.path("containers"), now);
        containers(out, "Ephemeral Containers:", p.ephemeralContainers(), com.fasterxml.jackson.databind.node.MissingNode.getInstance(), now);
        out.append("Conditions:\n");
        out.append(String.format("  %-27s %s%n", "Type", "Status"));
        out.append(String.format("  %-27s %s%n", "PodScheduled", "True"));
        p.conditions().forEach((k, v) -> out.append(String.format("  %-27s %s%n", k, v ? "True" : "False")));
        out.append("Volumes:");
        if (p.manifest().spec().volumes().isEmpty()) {
            out.append("                      <none>\n");
        } else {
            out.append('\n');
            for (io.podshim.runtime.container.Volume v : p.manifest().spec().volumes()) {
                out.append("  ").append(v.name()).append(":\n");
                if (v.source() instanceof io.podshim.runtime.container.Volume.EmptyDir e) {
                    out.append("    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)\n");
                    out.append("    Medium:     ").append(e.medium()).append('\n');
                    out.append("    SizeLimit:  ").append(e.sizeLimitBytes() == null ? "<unset>" : e.sizeLimitBytes()).append('\n');
                } else if (v.source() instanceof io.podshim.runtime.container.Volume.HostPath h) {
                    out.append("    Type:          HostPath (bare host directory volume)\n");
                    out.append("    Path:          ").append(h.path()).append('\n');
                    out.append("    HostPathType:  ").append(h.type()).append('\n');
                } else if (v.source() instanceof io.podshim.runtime.container.Volume.ConfigMap c) {
                    out.append("    Type:      ConfigMap (a volume populated by a ConfigMap)\n");
                    out.append("    Name:      ").append(c.name()).append('\n');
                    out.append("    Optional:  ").append(c.optional()).append('\n');
                } else if (v.source() instanceof io.podshim.runtime.container.Volume.Secret c) {
                    out.append("    Type:        Secret (a volume populated by a Secret)\n");
                    out.append("    SecretName:  ").append(c.secretName()).append('\n');
                    out.append("    Optional:    ").append(c.optional()).append('\n');
                } else if (v.source() instanceof io.podshim.runtime.container.Volume.DownwardAPI d) {
                    out.append("    Type:  DownwardAPI (a volume populated by information about the pod)\n");
                    out.append("    Items:\n");
                    d.items().forEach(f -> out.append("      ").append(f.fieldPath() != null ? f.fieldPath() : f.resource())
                            .append(" -> ").append(f.path()).append('\n'));
                } else if (v.source() instanceof io.podshim.runtime.container.Volume.Projected) {
                    out.append("    Type:  Projected (a volume that contains injected data from multiple sources)\n");
                } else if (v.source() instanceof io.podshim.runtime.container.Volume.Claim c) {
                    out.append("    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n");
                    out.append("    ClaimName:  ").append(c.claimName()).append('\n');
                    out.append("    ReadOnly:   ").append(c.readOnly()).append('\n');
                }
            }
        }
        line(out, "QoS Class:", p.qosClass());
        pairs(out, "Node-Selectors:", toMap(spec.path("nodeSelector")));
        out.append(String.format("%-28s %s%n", "Tolerations:", spec.path("tolerations").isEmpty() ? "<none>"
                : spec.path("tolerations").toString()));
        out.append("Events:");
        if (p.events().isEmpty()) {
            out.append("                      <none>\n");
        } else {
            out.append('\n');
            String format = "  %-8s %-22s %-6s %-8s %s%n";
            out.append(String.format(format, "Type", "Reason", "Age", "From", "Message"));
            out.append(String.format(format, "----", "------", "----", "----", "-------"));
            for (PodEvent e : p.events()) {
                String age = Render.age(e.time(), now) + (e.count() > 1 ? " (x" + e.count() + ")" : "");
                out.append(String.format(format, e.type(), e.reason(), age, "podshim", e.message()));
            }
        }
        return out.toString();
    }

    /** As kubectl prints a time: "Wed, 02 Dec 2026 12:00:00 +0000". */
    private static final java.time.format.DateTimeFormatter KUBE_TIME = java.time.format.DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

    private static java.util.Map<String, String> toMap(com.fasterxml.jackson.databind.JsonNode object) {
        java.util.Map<String, String> map = new java.util.TreeMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static void pairs(StringBuilder out, String key, java.util.Map<String, String> pairs) {
        if (pairs.isEmpty()) {
            line(out, key, "<none>");
            return;
        }
        boolean first = true;
        for (var e : new java.util.TreeMap<>(pairs).entrySet()) {
            line(out, first ? key : "", e.getKey() + "=" + e.getValue());
            first = false;
        }
    }

    private static void containers(StringBuilder out, String title, List<ContainerStatus> containers,
                                   com.fasterxml.jackson.databind.JsonNode specs, Instant now) {
        if (containers.isEmpty()) {
            return;
        }
        out.append(title).append('\n');
        for (ContainerStatus c : containers) {
            com.fasterxml.jackson.databind.JsonNode spec = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            for (com.fasterxml.jackson.databind.JsonNode s : specs) {
                if (s.path("name").asText().equals(c.name())) {
                    spec = s;
                }
            }
            out.append("  ").append(c.name()).append(":\n");
            field(out, "Container ID:", c.containerID() == null ? "" : c.containerID());
            field(out, "Image:", c.image());
            field(out, "Image ID:", c.imageID() == null ? "" : c.imageID());
            if (c.sidecar()) {
                field(out, "Restart Policy:", "Always (sidecar)");
            }
            field(out, "PID:", c.pid() == 0 ? "<none>" : Integer.toString(c.pid()));
            com.fasterxml.jackson.databind.JsonNode ports = spec.path("ports");
            field(out, "Port:", ports.isEmpty() ? "<none>" : ports.get(0).path("containerPort").asText() + "/"
                    + ports.get(0).path("protocol").asText("TCP"));
            field(out, "Host Port:", ports.isEmpty() || !ports.get(0).has("hostPort") ? "<none>"
                    : ports.get(0).path("hostPort").asText() + "/" + ports.get(0).path("protocol").asText("TCP"));
            for (String list : List.of("command", "args")) {
                if (spec.path(list).isArray() && !spec.path(list).isEmpty()) {
                    out.append("    ").append(list.equals("command") ? "Command:" : "Args:").append('\n');
                    spec.path(list).forEach(a -> out.append("      ").append(a.asText()).append('\n'));
                }
            }
            state(out, "State:", c.state());
            if (c.lastState() != null) {
                state(out, "Last State:", c.lastState());
            }
            field(out, "Ready:", c.ready() ? "True" : "False");
            field(out, "Restart Count:", Integer.toString(c.restartCount()));
            if (spec.path("env").isEmpty()) {
                field(out, "Environment:", "<none>");
            } else {
                out.append("    Environment:\n");
                // As kubectl describes them: where a value comes from, never a Secret's value.
                spec.path("env").forEach(e -> out.append("      ").append(e.path("name").asText()).append(":  ")
                        .append(envValue(e)).append('\n'));
            }
            if (!spec.path("envFrom").isEmpty()) {
                out.append("    Environment Variables from:\n");
                spec.path("envFrom").forEach(f -> {
                    boolean secret = f.has("secretRef");
                    JsonNode ref = f.path(secret ? "secretRef" : "configMapRef");
                    out.append("      ").append(ref.path("name").asText()).append("  ").append(secret ? "Secret" : "ConfigMap")
                            .append(f.has("prefix") ? " with prefix '" + f.path("prefix").asText() + "'" : "")
                            .append("  Optional: ").append(ref.path("optional").asBoolean(false)).append('\n');
                });
            }
            if (spec.path("volumeMounts").isEmpty()) {
                field(out, "Mounts:", "<none>");
            } else {
                out.append("    Mounts:\n");
                spec.path("volumeMounts").forEach(m -> out.append("      ").append(m.path("mountPath").asText()).append(" from ")
                        .append(m.path("name").asText()).append(m.path("readOnly").asBoolean() ? " (ro)" : " (rw)").append('\n'));
            }
        }
    }

    private static String envValue(JsonNode e) {
        JsonNode from = e.path("valueFrom");
        if (from.isMissingNode()) {
            return e.path("value").asText();
        }
        if (from.has("configMapKeyRef")) {
            JsonNode r = from.get("configMapKeyRef");
            return "<set to the key '" + r.path("key").asText() + "' of config map '" + r.path("name").asText() + "'>  Optional: "
                    + r.path("optional").asBoolean(false);
        }
        if (from.has("secretKeyRef")) {
            JsonNode r = from.get("secretKeyRef");
            return "<set to the key '" + r.path("key").asText() + "' in secret '" + r.path("name").asText() + "'>  Optional: "
                    + r.path("optional").asBoolean(false);
        }
        if (from.has("fieldRef")) {
            return " (" + from.get("fieldRef").path("apiVersion").asText("v1") + ":" + from.get("fieldRef").path("fieldPath").asText() + ")";
        }
        JsonNode r = from.path("resourceFieldRef");
        return " (" + r.path("resource").asText() + ")";
    }

    /** A container state as kubectl describes it: the state, then its reason, message, exit code and times. */
    private static void state(StringBuilder out, String title, ContainerState s) {
        switch (s.kind()) {
            case RUNNING -> {
                field(out, title, "Running");
                field(out, "  Started:", s.startedAt() == null ? "" : KUBE_TIME.format(s.startedAt()));
            }
            case WAITING -> {
                field(out, title, "Waiting");
                if (s.reason() != null) {
                    field(out, "  Reason:", s.reason());
                }
                if (s.message() != null) {
                    field(out, "  Message:", s.message());
                }
            }
            case TERMINATED -> {
                field(out, title, "Terminated");
                field(out, "  Reason:", s.reason());
                if (s.message() != null && !s.message().isEmpty()) {
                    field(out, "  Message:", s.message());
                }
                field(out, "  Exit Code:", String.valueOf(s.exitCode()));
                field(out, "  Started:", s.startedAt() == null ? "" : KUBE_TIME.format(s.startedAt()));
                field(out, "  Finished:", s.finishedAt() == null ? "" : KUBE_TIME.format(s.finishedAt()));
            }
        }
    }

    private static void field(StringBuilder out, String key, String value) {
        out.append(String.format("    %-15s %s%n", key, value).replaceAll(" +\n$", "\n"));
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(String.format("%-17s %s%n", key, value).replaceAll(" +\n$", "\n"));
    }

}
