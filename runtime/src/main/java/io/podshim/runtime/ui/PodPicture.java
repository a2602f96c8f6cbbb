package io.podshim.runtime.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.NamespaceTable;
import io.podshim.runtime.kube.PodObject;
import io.podshim.runtime.logs.CriLogReader;
import io.podshim.runtime.pod.ContainerState;
import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.ContainerUsage;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.pod.PodEvent;
import io.podshim.runtime.pod.PodStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the page draws of one pod, read at one moment: the v1 Pod; each process of the pod
 * (host, pause, every container with a process) with its namespace ids; each container with its
 * role, state, every run seen and the waits between them, what its cgroup uses against its limits
 * and its last log lines; the pod's events. Times are epoch milliseconds: a timeline of init
 * containers that run for a few milliseconds needs better than the API's whole seconds.
 */
final class PodPicture {
    /** Log lines shown per container: a glance, not the log ({@code podshim logs} is for that). */
    static final int LOG_LINES = 8;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PodPicture() {}

    static ObjectNode of(PodStatus pod, String node, PodEngine engine, RunHistory history, Instant now) {
        ObjectNode out = NODES.objectNode();
        out.put("now", now.toEpochMilli());
        out.set("pod", PodObject.of(pod, node));
        out.set("processes", processes(pod));
        Map<String, RunHistory.Container> seen = history.of(pod.uid());
        Map<String, ContainerUsage> usage = new java.util.HashMap<>();
        if (pod.pausePid() != 0) {
            engine.usage(pod.name()).forEach(u -> usage.put(u.container(), u));
        }
        ArrayNode containers = out.putArray("containers");
        for (ContainerStatus c : pod.allContainers()) {
            containers.add(container(pod, c, seen.get(c.name()), usage.get(c.name()), engine));
        }
        ArrayNode events = out.putArray("events");
        for (PodEvent e : pod.events()) {
            events.addObject().put("time", e.time().toEpochMilli()).put("type", e.type()).put("reason", e.reason())
                    .put("object", e.object()).put("message", e.message()).put("count", e.count());
        }
        return out;
    }

    /** Which role a container has in its pod, as the page names its columns and lanes. */
    static String role(PodStatus pod, ContainerStatus c) {
        if (pod.ephemeralContainers().contains(c)) {
            return "ephemeral";
        }
        return c.sidecar() ? "sidecar" : c.init() ? "init" : "app";
    }

    /** host, pause, then each container with a process, each with its pid and namespace inodes; none once the sandbox is gone. */
    private static ArrayNode processes(PodStatus pod) {
        ArrayNode out = NODES.arrayNode();
        if (pod.pausePid() == 0) {
            return out;
        }
        Map<String, Long> columns = NamespaceTable.columns(pod);
        NamespaceTable.ids(columns).forEach((name, process) -> {
            ObjectNode p = out.addObject().put("name", name).put("pid", (Long) process.get("pid"));
            p.put("role", name.equals("host") || name.equals("pause") ? name : pod.allContainers().stream()
                    .filter(c -> c.name().equals(name)).findFirst().map(c -> role(pod, c)).orElse("app"));
            @SuppressWarnings("unchecked")
            Map<String, Long> namespaces = (Map<String, Long>) process.get("namespaces");
            ObjectNode ns = p.putObject("namespaces");
            namespaces.forEach(ns::put);
        });
        return out;
    }

    private static ObjectNode container(PodStatus pod, ContainerStatus c, RunHistory.Container seen, ContainerUsage usage,
                                        PodEngine engine) {
        ObjectNode out = NODES.objectNode().put("name", c.name()).put("role", role(pod, c)).put("image", c.image())
                .put("restartCount", c.restartCount()).put("ready", c.ready()).put("started", c.started()).put("pid", c.pid());
        out.set("state", state(c.state()));
        if (c.lastState() != null) {
            out.set("lastState", state(c.lastState()));
        }
        ArrayNode runs = out.putArray("runs");
        ArrayNode waits = out.putArray("waits");
        if (seen != null) {
            for (RunHistory.Run r : seen.runs()) {
                ObjectNode run = runs.addObject();
                time(run, "startedAt", r.startedAt());
                time(run, "finishedAt", r.finishedAt());
                run.put("reason", r.reason());
                if (r.exitCode() != null) {
                    run.put("exitCode", r.exitCode());
                }
            }
            for (RunHistory.Wait w : seen.waits()) {
                ObjectNode wait = waits.addObject().put("reason", w.reason());
                time(wait, "since", w.since());
                time(wait, "until", w.until());
            }
        }
        if (usage != null) {
            ObjectNode u = out.putObject("usage").put("memoryBytes", usage.memoryBytes()).put("cpuNanos", usage.cpuNanos())
                    .put("pids", usage.pids());
            if (usage.memoryLimitBytes() != null) {
                u.put("memoryLimitBytes", usage.memoryLimitBytes());
            }
            if (usage.cpuLimitMilli() != null) {
                u.put("cpuLimitMilli", usage.cpuLimitMilli());
            }
        }
        ArrayNode logs = out.putArray("logs");
        List<Path> files = engine.logFiles(pod.name(), c.name());
        if (!files.isEmpty()) {
            CriLogReader.tail(files.get(files.size() - 1), LOG_LINES).forEach(l -> logs.add(l.text()));
        }
        return out;
    }

    private static ObjectNode state(ContainerState s) {
        ObjectNode out = NODES.objectNode().put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
        out.put("reason", s.reason()).put("message", s.message());
        if (s.exitCode() != null) {
            out.put("exitCode", s.exitCode());
        }
        time(out, "startedAt", s.startedAt());
        time(out, "finishedAt", s.finishedAt());
        return out;
    }

    private static void time(ObjectNode node, String key, Instant time) {
        if (time != null) {
            node.put(key, time.toEpochMilli());
        }
    }
}
