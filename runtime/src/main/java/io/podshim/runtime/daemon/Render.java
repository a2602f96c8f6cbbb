package io.podshim.runtime.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.podshim.runtime.pod.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What people read, rendered by the daemon so the CLI stays a few classes that print text: the
 * {@code kubectl get pods} and {@code get events} tables, and JSON or YAML on request ({@code describe}: {@link Description}).
 */
final class Render {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    /**
     * As kubectl writes YAML: no document marker, strings quoted only where YAML needs it; a string
     * that reads as a number ("3600") keeps its quotes, or the YAML would not apply back.
     */
    private static final ObjectMapper YAML = new YAMLMapper().disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Render() {}

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException("render JSON: " + e, e);
        }
    }

    static String yaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("render YAML: " + e, e);
        }
    }

    /** How {@code get pods} prints its table: which columns, as kubectl's flags choose them. */
    record Columns(boolean wide, boolean labels, boolean namespace, String node) {}

    /**
     * NAME READY STATUS RESTARTS AGE, as kubectl prints them; NAMESPACE first with {@code -A}; with
     * {@code wide} kubectl's IP and NODE, then what podshim adds: the pause pid, QoS class and
     * cgroup; LABELS last with {@code --show-labels}. The header unless {@code header} is false
     * (a watch prints it once).
     */
    static String table(List<PodStatus> pods, Columns columns, boolean header, Instant now) {
        return table(pods, List.of(), columns, header, now);
    }

    /** With the CRI's sandboxes after podshim's own pods, each named {@code cri:NAME}. */
    static String table(List<PodStatus> pods, List<io.podshim.runtime.cri.CriPod> cri, Columns columns, boolean header, Instant now) {
        StringBuilder out = new StringBuilder();
        String format = (columns.namespace() ? "%-16s " : "%s") + (columns.wide() ? "%-20s %-6s %-22s %-9s %-6s %-15s %-12s %-10s %-11s %-40s"
                : "%-20s %-6s %-22s %-9s %-6s") + (columns.labels() ? " %s" : "%s");
        if (header) {
            out.append(row(format, columns, "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "PAUSE-PID",
                    "QOS", "CGROUP", "LABELS"));
        }
        for (PodStatus p : pods) {
            out.append(row(format, columns, p.namespace(), p.name(), p.readyColumn(), p.display(), Integer.toString(p.restarts()),
                    age(p.creationTimestamp(), now), p.podIP() == null ? "<none>" : p.podIP(), columns.node(),
                    p.pausePid() == 0 ? "-" : Integer.toString(p.pausePid()), p.qosClass(), p.cgroup().isEmpty() ? "-" : p.cgroup(),
                    io.podshim.runtime.kube.PodObject.labelsColumn(p.manifest().labels())));
        }
        for (io.podshim.runtime.cri.CriPod p : cri) {
            out.append(row(format, columns, p.namespace(), p.listedName(), p.ready() + "/" + p.containers(), p.status(),
                    Integer.toString(p.restarts()), age(p.created(), now), p.ip() == null ? "<none>" : p.ip(), columns.node(),
                    p.pausePid() == 0 ? "-" : Integer.toString(p.pausePid()), "-", p.cgroup(),
                    io.podshim.runtime.kube.PodObject.labelsColumn(p.labels())));
        }
        return out.toString();
    }

    private static String row(String format, Columns c, String namespace, String name, String ready, String status, String restarts,
                              String age, String ip, String node, String pause, String qos, String cgroup, String labels) {
        List<Object> values = new java.util.ArrayList<>();
        values.add(c.namespace() ? namespace : "");
        values.addAll(List.of(name, ready, status, restarts, age));
        if (c.wide()) {
            values.addAll(List.of(ip, node, pause, qos, cgroup));
        }
        values.add(c.labels() ? labels : "");
        return String.format(format, values.toArray()).stripTrailing() + "\n";
    }


    /** {@code kubectl get events}: LAST SEEN TYPE REASON OBJECT MESSAGE, NAMESPACE first for every namespace. */
    static String events(List<com.fasterxml.jackson.databind.node.ObjectNode> events, boolean allNamespaces, Instant now) {
        if (events.isEmpty()) {
            return "No resources found\n";
        }
        StringBuilder out = new StringBuilder();
        String format = (allNamespaces ? "%-16s " : "%s") + "%-9s %-8s %-22s %-30s %s%n";
        out.append(String.format(format, allNamespaces ? "NAMESPACE" : "", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"));
        for (com.fasterxml.jackson.databind.node.ObjectNode e : events) {
            com.fasterxml.jackson.databind.JsonNode o = e.path("involvedObject");
            out.append(String.format(format, allNamespaces ? o.path("namespace").asText() : "",
                    age(Instant.parse(e.path("lastTimestamp").asText()), now), e.path("type").asText(), e.path("reason").asText(),
                    "pod/" + o.path("name").asText(), e.path("message").asText()
                            + (e.path("count").asInt() > 1 ? " (x" + e.path("count").asInt() + ")" : "")));
        }
        return out.toString();
    }

    /** One JSON document on one line (a watch event). */
    static String line(Object value) {
        try {
            return LINE.writeValueAsString(value) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException("render JSON: " + e, e);
        }
    }

    private static final ObjectMapper LINE = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** As kubectl prints an age: 42s, 5m, 3h, 2d. */
    static String age(Instant since, Instant now) {
        if (since == null) {
            return "-";
        }
        long s = Math.max(0, Duration.between(since, now).toSeconds());
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172800 ? s / 3600 + "h" : s / 86400 + "d";
    }
}
