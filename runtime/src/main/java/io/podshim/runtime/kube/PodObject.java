package io.podshim.runtime.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.pod.ContainerState;
import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.PodEvent;
import io.podshim.runtime.pod.PodStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Pods, lists and events as the Kubernetes API has them ({@code v1} Pod, List, Event), so that
 * kubectl's habits, jq recipes and client libraries read podshim's answers. What podshim adds to
 * make a pod visible (kubectl's STATUS word, the pause pid, the pod cgroup, each container's pid)
 * is under annotations prefixed {@value #PREFIX}, outside the schema.
 */
public final class PodObject {
    public static final String PREFIX = "podshim.io/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PodObject() {}

    /** {@code pod} as a v1 Pod, on node {@code nodeName}. */
    public static ObjectNode of(PodStatus pod, String nodeName) {
        ObjectNode object = NODES.objectNode().put("apiVersion", "v1").put("kind", "Pod");
        object.set("metadata", metadata(pod));
        object.set("spec", ApiDefaults.spec(pod.manifest().source(), pod.manifest(), nodeName));
        object.set("status", status(pod));
        return object;
    }

    /** A v1 List of {@code items}, as kubectl prints a collection. */
    public static ObjectNode list(List<? extends com.fasterxml.jackson.databind.JsonNode> items) {
        ObjectNode list = NODES.objectNode().put("apiVersion", "v1");
        list.putArray("items").addAll(items);
        list.put("kind", "List");
        list.putObject("metadata").put("resourceVersion", "");
        return list;
    }

    private static ObjectNode metadata(PodStatus pod) {
        ObjectNode m = NODES.objectNode().put("name", pod.name()).put("namespace", pod.namespace()).put("uid", pod.uid());
        m.put("generation", pod.generation());
        time(m, "creationTimestamp", pod.creationTimestamp());
        if (pod.deletionTimestamp() != null) {
            time(m, "deletionTimestamp", pod.deletionTimestamp());
            m.put("deletionGracePeriodSeconds", pod.deletionGracePeriodSeconds());
        }
        if (!pod.manifest().labels().isEmpty()) {
            ObjectNode labels = m.putObject("labels");
            new java.util.TreeMap<>(pod.manifest().labels()).forEach(labels::put);
        }
        ObjectNode annotations = m.putObject("annotations");
        new java.util.TreeMap<>(pod.manifest().annotations()).forEach((k, v) -> {
            if (!k.startsWith(PREFIX)) {
                annotations.put(k, v); // podshim's own are what is now, never what was applied
            }
        });
        annotations.put(PREFIX + "status", pod.display()); // kubectl's STATUS column, which the schema leaves to clients
        if (pod.pausePid() > 0) {
            annotations.put(PREFIX + "pause-pid", Integer.toString(pod.pausePid()));
        }
        if (!pod.cgroup().isEmpty()) {
            annotations.put(PREFIX + "cgroup", pod.cgroup());
        }
        if (pod.podInterface() != null) {
            annotations.put(PREFIX + "pod-interface", pod.podInterface());
        }
        for (ContainerStatus c : pod.allContainers()) {
            if (c.pid() > 0) {
                annotations.put(PREFIX + "pid." + c.name(), Integer.toString(c.pid()));
            }
        }
        return m;
    }

    private static ObjectNode status(PodStatus pod) {
        ObjectNode s = NODES.objectNode().put("phase", pod.phase());
        if (pod.reason() != null) {
            s.put("reason", pod.reason());
        }
        if (pod.message() != null) {
            s.put("message", pod.message());
        }
        ArrayNode conditions = s.putArray("conditions");
        condition(conditions, "PodScheduled", true, pod.creationTimestamp(), null);
        pod.conditions().forEach((type, value) -> condition(conditions, type, value,
                pod.conditionTimes().getOrDefault(type, pod.creationTimestamp()), value ? null : why(type, pod)));
        if (pod.hostIP() != null) {
            s.put("hostIP", pod.hostIP());
            s.putArray("hostIPs").addObject().put("ip", pod.hostIP());
        }
        if (pod.podIP() != null) {
            s.put("podIP", pod.podIP());
            ArrayNode ips = s.putArray("podIPs");
            pod.podIPs().forEach(ip -> ips.addObject().put("ip", ip));
        }
        time(s, "startTime", pod.startTime());
        if (!pod.qosClass().isEmpty()) {
            s.put("qosClass", pod.qosClass());
        }
        containers(s, "initContainerStatuses", pod.initContainers());
        containers(s, "containerStatuses", pod.containers());
        containers(s, "ephemeralContainerStatuses", pod.ephemeralContainers());
        return s;
    }

    /** The reason kubelet gives a condition that is False. */
    private static String why(String type, PodStatus pod) {
        if (pod.finished() && !type.equals("Initialized")) {
            return "PodCompleted";
        }
        return switch (type) {
            case "Initialized" -> "ContainersNotInitialized";
            case "Ready", "ContainersReady" -> "ContainersNotReady";
            default -> null;
        };
    }

    private static void condition(ArrayNode conditions, String type, boolean value, Instant since, String reason) {
        ObjectNode c = conditions.addObject().put("type", type).put("status", value ? "True" : "False");
        c.putNull("lastProbeTime");
        time(c, "lastTransitionTime", since);
        if (reason != null) {
            c.put("reason", reason);
        }
    }

    private static void containers(ObjectNode status, String key, List<ContainerStatus> containers) {
        if (containers.isEmpty()) {
            return;
        }
        ArrayNode list = status.putArray(key);
        for (ContainerStatus c : containers) {
            ObjectNode o = list.addObject().put("name", c.name());
            o.set("state", state(c.state(), c.containerID()));
            o.set("lastState", c.lastState() == null ? NODES.objectNode() : state(c.lastState(), null));
            o.put("ready", c.ready());
            o.put("restartCount", c.restartCount());
            o.put("image", c.image());
            o.put("imageID", c.imageID() == null ? "" : c.imageID());
            if (c.containerID() != null) {
                o.put("containerID", c.containerID());
            }
            o.put("started", c.started());
        }
    }

    private static ObjectNode state(ContainerState state, String containerID) {
        ObjectNode s = NODES.objectNode();
        switch (state.kind()) {
            case WAITING -> {
                ObjectNode w = s.putObject("waiting");
                if (state.reason() != null) {
                    w.put("reason", state.reason());
                }
                if (state.message() != null) {
                    w.put("message", state.message());
                }
            }
            case RUNNING -> time(s.putObject("running"), "startedAt", state.startedAt());
            case TERMINATED -> {
                ObjectNode t = s.putObject("terminated").put("exitCode", state.exitCode() == null ? 0 : state.exitCode());
                if (state.reason() != null) {
                    t.put("reason", state.reason());
                }
                if (state.message() != null && !state.message().isEmpty()) {
                    t.put("message", state.message());
                }
                time(t, "startedAt", state.startedAt());
                time(t, "finishedAt", state.finishedAt());
                if (containerID != null) {
                    t.put("containerID", containerID);
                }
            }
        }
        return s;
    }

    /**
     * {@code pod}'s events as v1 Events: each names its pod (and the container, by its field path,
     * as kubelet does) and is counted, not repeated.
     */
    public static List<ObjectNode> events(PodStatus pod, String nodeName) {
        List<ObjectNode> events = new java.util.ArrayList<>();
        int i = 0;
        for (PodEvent e : pod.events()) {
            ObjectNode event = NODES.objectNode().put("apiVersion", "v1").put("kind", "Event");
            ObjectNode m = event.putObject("metadata").put("name", pod.name() + "." + Long.toHexString(
                    pod.creationTimestamp().toEpochMilli() * 1000 + i++)).put("namespace", pod.namespace());
            time(m, "creationTimestamp", e.time());
            ObjectNode involved = event.putObject("involvedObject").put("apiVersion", "v1").put("kind", "Pod")
                    .put("name", pod.name()).put("namespace", pod.namespace()).put("uid", pod.uid());
            String fieldPath = fieldPath(pod, e.object());
            if (fieldPath != null) {
                involved.put("fieldPath", fieldPath);
            }
            event.put("reason", e.reason()).put("message", e.message()).put("type", e.type()).put("count", e.count());
            time(event, "firstTimestamp", e.time());
            time(event, "lastTimestamp", e.time());
            event.putObject("source").put("component", "podshim").put("host", nodeName);
            event.put("reportingComponent", "podshim").put("reportingInstance", nodeName);
            events.add(event);
        }
        return events;
    }

    /** {@code spec.containers{web}}, as kubelet names a container in an event; null for the pod itself. */
    private static String fieldPath(PodStatus pod, String object) {
        if (pod.initContainers().stream().anyMatch(c -> c.name().equals(object))) {
            return "spec.initContainers{" + object + "}";
        }
        if (pod.containers().stream().anyMatch(c -> c.name().equals(object))) {
            return "spec.containers{" + object + "}";
        }
        if (pod.ephemeralContainers().stream().anyMatch(c -> c.name().equals(object))) {
            return "spec.ephemeralContainers{" + object + "}";
        }
        return null;
    }

    /** RFC 3339 in whole seconds, as the API server writes a metav1.Time. */
    private static void time(ObjectNode node, String key, Instant time) {
        if (time != null) {
            node.put(key, time.truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    /** Labels as {@code --show-labels} prints them: k=v,k=v, sorted; {@code <none>} without. */
    public static String labelsColumn(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "<none>";
        }
        StringBuilder out = new StringBuilder();
        new java.util.TreeMap<>(labels).forEach((k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return out.toString();
    }
}
