package io.podshim.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.PodException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One CNI plugin run as the spec's execution protocol says: the binary of its {@code type} from
 * the bin dirs, the command and the pod in the environment, its configuration on standard input,
 * a result or an error object on standard output. Each run has a timeout; a failure names the
 * plugin, the command, the plugin's own message and what it wrote to standard error.
 */
final class CniPlugin {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a plugin is told of the pod (CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS). */
    record Call(String containerId, String netns, String ifName, String args) {}

    private final List<Path> binDirs;
    private final Duration timeout;

    CniPlugin(List<Path> binDirs, Duration timeout) {
        this.binDirs = List.copyOf(binDirs);
        this.timeout = timeout;
    }

    /** The binary for plugin {@code type}: the first bin dir that has it. */
    Path binary(String type) {
        if (type.contains("/") || type.startsWith(".")) {
            throw PodException.invalid("CNI plugin type \"" + type + "\" is not a plugin name");
        }
        for (Path dir : binDirs) {
            Path candidate = dir.resolve(type);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw PodException.invalid("CNI plugin \"" + type + "\" is not in " + binDirs + ": install it (Debian's"
                + " containernetworking-plugins has the standard ones) or give its directory with --cni-bin-dir");
    }

    /** Runs {@code command} (ADD, CHECK, DEL) of the plugin {@code config} describes; its result for ADD, else null. */
    JsonNode run(String command, ObjectNode config, Call call) {
        String type = config.path("type").asText();
        Path binary = binary(type);
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        Map<String, String> env = pb.environment();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", call.containerId());
        env.put("CNI_NETNS", call.netns() == null ? "" : call.netns());
        env.put("CNI_IFNAME", call.ifName());
        env.put("CNI_ARGS", call.args());
        env.put("CNI_PATH", String.join(":", binDirs.stream().map(Path::toString).toList()));
        String what = "CNI plugin type=\"" + type + "\" (" + command.toLowerCase() + ")";
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw PodException.unavailable(what + ": start " + binary + ": " + e.getMessage());
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread out = drain(p.getInputStream(), stdout);
        Thread err = drain(p.getErrorStream(), stderr);
        try (OutputStream in = p.getOutputStream()) {
            in.write(JSON.writeValueAsBytes(config));
        } catch (IOException e) {
            // it may have failed before reading: its answer says why
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw PodException.unavailable(what + " did not answer within " + timeout.toSeconds() + " s" + stderrOf(stderr));
            }
            out.join();
            err.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw PodException.unavailable(what + ": interrupted");
        }
        String text = stdout.toString(StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw PodException.unavailable(what + " failed: " + errorOf(text) + stderrOf(stderr));
        }
        if (!command.equals("ADD")) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw PodException.unavailable(what + " answered what is not a CNI result: " + abbreviate(text) + stderrOf(stderr));
        }
    }

    /** The plugin's error object as people read it: its msg, then its details. */
    private static String errorOf(String stdout) {
        try {
            JsonNode error = JSON.readTree(stdout);
            if (error != null && error.has("msg")) {
                String details = error.path("details").asText("");
                return error.path("msg").asText() + (details.isEmpty() ? "" : ": " + details)
                        + (error.has("code") ? " (CNI error " + error.path("code").asInt() + ")" : "");
            }
        } catch (IOException notJson) {
            // said as it was
        }
        return stdout.isEmpty() ? "no message" : abbreviate(stdout);
    }

    private static String stderrOf(ByteArrayOutputStream stderr) {
        String text = stderr.toString(StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? "" : " (its stderr: " + abbreviate(text) + ")";
    }

    private static String abbreviate(String text) {
        String one = text.replaceAll("\\s+", " ");
        return one.length() > 400 ? one.substring(0, 400) + "…" : one;
    }

    private static Thread drain(InputStream from, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try (from) {
                from.transferTo(to);
            } catch (IOException ignored) {
                // the plugin is gone: what it wrote is what there is
            }
        }, "cni-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
