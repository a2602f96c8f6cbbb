package io.podshim.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What an image says about the process it runs (the OCI image config's {@code config} object),
 * including the signal that asks it to stop ({@code StopSignal}, SIGTERM when unset).
 * {@code null} lists mean "not set", which matters when Kubernetes combines them with a
 * container's command and args.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                          String stopSignal) {
    public static final ImageConfig EMPTY = new ImageConfig(null, null, List.of(), "", "", "");

    static ImageConfig parse(JsonNode config) {
        JsonNode c = config.path("config");
        return new ImageConfig(strings(c.get("Entrypoint")), strings(c.get("Cmd")),
                c.has("Env") ? strings(c.get("Env")) : List.of(), c.path("WorkingDir").asText(""), c.path("User").asText(""),
                c.path("StopSignal").asText(""));
    }

    /** The signal that stops the image's process: its StopSignal ("SIGQUIT", "QUIT" or "3"), else SIGTERM. */
    public jnr.constants.platform.Signal stopSignalOrTerm() {
        if (stopSignal != null && !stopSignal.isBlank()) {
            for (jnr.constants.platform.Signal s : jnr.constants.platform.Signal.values()) {
                if (s.defined() && (s.name().equals(stopSignal) || s.name().equals("SIG" + stopSignal)
                        || String.valueOf(s.intValue()).equals(stopSignal))) {
                    return s;
                }
            }
        }
        return jnr.constants.platform.Signal.SIGTERM;
    }

    private static List<String> strings(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        node.forEach(n -> values.add(n.asText()));
        return List.copyOf(values);
    }
}
