package io.podshim.runtime.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.cli.ApiClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waiting for a pod of a daemon process on the daemon's own watch ({@code GET /v1/pods?watch=true}),
 * as kubectl wait does: each change comes as it happens. Asking for the pod again and again would
 * keep the daemon busy answering, which in the emulated cgroup v2 VM starves the very work waited for.
 */
public final class PodWatchWait {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PodWatchWait() {}

    /** Thrown from the sink to stop reading once the wait is over. */
    private static final class Found extends IOException {
        Found() {
            super(null, null);
        }
    }

    /** The first v1 Pod of pod {@code name} that {@code until} accepts, within {@code patience}. */
    public static JsonNode until(Path socket, String name, Predicate<JsonNode> until, Duration patience) throws IOException {
        JsonNode[] last = new JsonNode[1];
        JsonNode found = watch(socket, name, patience, (type, pod) -> {
            last[0] = pod;
            return !type.equals("DELETED") && until.test(pod);
        });
        if (found == null) {
            throw new AssertionError("gave up after " + patience.toSeconds() + " s waiting on pod " + name + "; last seen: " + last[0]);
        }
        return found;
    }

    /** Returns once pod {@code name} is gone (removed, not just deleting), within {@code patience}. */
    public static void gone(Path socket, String name, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        // A pod removed between the look and the watch gives the watch nothing to say: a short watch, then look again.
        while (new ApiClient(socket).call("GET", "/v1/pods/" + URLEncoder.encode(name, StandardCharsets.UTF_8), null).status() != 404) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("pod " + name + " was not removed within " + patience.toSeconds() + " s");
            }
            watch(socket, name, Duration.ofSeconds(5), (type, pod) -> type.equals("DELETED"));
        }
    }

    private interface Check {
        boolean done(String type, JsonNode pod);
    }

    /** The object of the first event {@code check} is done with; null if the watch ended first. */
    private static JsonNode watch(Path socket, String name, Duration patience, Check check) throws IOException {
        JsonNode[] found = new JsonNode[1];
        OutputStream lines = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) throws IOException {
                if (b != '\n') {
                    line.write(b);
                    return;
                }
                JsonNode event = JSON.readTree(line.toByteArray());
                line.reset();
                if (check.done(event.path("type").asText(), event.path("object"))) {
                    found[0] = event.path("object");
                    throw new Found();
                }
            }
        };
        try {
            new ApiClient(socket).call("GET", "/v1/pods?watch=true&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                    + "&timeoutSeconds=" + Math.max(1, patience.toSeconds()), null, status -> lines);
        } catch (Found done) {
            return found[0];
        }
        return null;
    }
}
