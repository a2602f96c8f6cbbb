package io.podshim.runtime.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.podshim.runtime.pod.ContainerState;
import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.PodEvent;
import io.podshim.runtime.pod.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What people read, rendered by the daemon so the CLI stays a few classes that print text: the
 * {@code kubectl get pods} table, {@code describe}, and JSON or YAML on request.
 */
final class Render {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new YAMLMapper().registerModule(new JavaTimeModule())
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

    /** NAME READY STATUS RESTARTS AGE, and with {@code wide} kubectl's IP, then the pause pid, QoS class and cgroup. */
    static String table(List<PodStatus> pods, boolean wide, Instant now) {
        StringBuilder out = new StringBuilder();
        String format = wide ? "%-20s %-6s %-22s %-9s %-6s %-15s %-10s %-11s %s%n" : "%-20s %-6s %-22s %-9s %s%n";
        out.append(wide ? String.format(format, "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "PAUSE-PID", "QOS", "CGROUP")
                : String.format(format, "NAME", "READY", "STATUS", "RESTARTS", "AGE"));
        for (PodStatus p : pods) {
            String age = age(p.startTime(), now);
            out.append(wide ? String.format(format, p.name(), p.readyColumn(), p.display(), p.restarts(), age,
                    p.podIP() == null ? "<none>" : p.podIP(), p.pausePid() == 0 ? "-" : p.pausePid(), p.qosClass(),
                    p.cgroup().isEmpty() ? "-" : p.cgroup())
                    : String.format(format, p.name(), p.readyColumn(), p.display(), p.restarts(), age));
        }
        return out.toString();
    }

    static String describe(PodStatus p, Instant now) {
        StringBuilder out = new StringBuilder();
        line(out, "Name:", p.name());
        line(out, "Namespace:", p.namespace());
        line(out, "UID:", p.uid());
        line(out, "Start Time:", p.startTime() == null ? "<none>" : p.startTime().toString());
        line(out, "Status:", p.display() + (p.display().equals(p.phase()) ? "" : " (phase " + p.phase() + ")"));
        if (p.reason() != null) {
            line(out, "Reason:", p.reason());
        }
        line(out, "IP:", p.podIP() == null ? "<none>" : p.podIP());
        if (p.podIPs().size() > 1) {
            line(out, "IPs:", String.join(", ", p.podIPs()));
        }
        line(out, "Host IP:", p.hostIP() == null ? "<none>" : p.hostIP());
        line(out, "QoS Class:", p.qosClass());
        line(out, "Pause PID:", p.pausePid() == 0 ? "<none: the sandbox is gone>" : Integer.toString(p.pausePid()));
        line(out, "Cgroup:", p.cgroup());
        p.cgroupLimits().forEach((k, v) -> out.append(String.format("  %-13s %s%n", k + ":", v)));
        out.append("Conditions:\n");
        p.conditions().forEach((k, v) -> out.append(String.format("  %-16s %s%n", k, v ? "True" : "False")));
        containers(out, "Init Containers:", p.initContainers());
        containers(out, "Containers:", p.containers());
        if (!p.ephemeralContainers().isEmpty()) {
            containers(out, "Ephemeral Containers:", p.ephemeralContainers());
        }
        out.append("Events:\n");
        if (p.events().isEmpty()) {
            out.append("  <none>\n");
        } else {
            out.append(String.format("  %-8s %-16s %-14s %-6s %s%n", "TYPE", "REASON", "OBJECT", "AGE", "MESSAGE"));
            for (PodEvent e : p.events()) {
                out.append(String.format("  %-8s %-16s %-14s %-6s %s%n", e.type(), e.reason(), e.object(), age(e.time(), now),
                        e.message() + (e.count() > 1 ? " (x" + e.count() + ")" : "")));
            }
        }
        return out.toString();
    }

    private static void containers(StringBuilder out, String title, List<ContainerStatus> containers) {
        if (containers.isEmpty()) {
            return;
        }
        out.append(title).append('\n');
        for (ContainerStatus c : containers) {
            out.append("  ").append(c.name()).append(c.sidecar() ? " (sidecar)" : "").append(":\n");
            out.append(String.format("    %-15s %s%n", "Image:", c.image()));
            out.append(String.format("    %-15s %s%n", "PID:", c.pid() == 0 ? "-" : c.pid()));
            out.append(String.format("    %-15s %s%n", "State:", state(c.state())));
            if (c.lastState() != null) {
                out.append(String.format("    %-15s %s%n", "Last State:", state(c.lastState())));
            }
            out.append(String.format("    %-15s %s%n", "Started:", c.started()));
            out.append(String.format("    %-15s %s%n", "Ready:", c.ready()));
            out.append(String.format("    %-15s %d%n", "Restart Count:", c.restartCount()));
        }
    }

    private static String state(ContainerState s) {
        return switch (s.kind()) {
            case RUNNING -> "Running (since " + s.startedAt() + ")";
            case WAITING -> "Waiting" + (s.reason() == null ? "" : " (" + s.reason() + (s.message() == null ? "" : ": " + s.message()) + ")");
            case TERMINATED -> "Terminated (" + s.reason() + ", exit code " + s.exitCode()
                    + (s.message() == null || s.message().isEmpty() ? "" : ": " + s.message()) + ")";
        };
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(String.format("%-14s %s%n", key, value));
    }

    /** As kubectl prints an age: 42s, 5m, 3h, 2d. */
    static String age(Instant since, Instant now) {
        if (since == null) {
            return "-";
        }
        long s = Math.max(0, Duration.between(since, now).toSeconds());
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172800 ? s / 3600 + "h" : s / 86400 + "d";
    }
}
