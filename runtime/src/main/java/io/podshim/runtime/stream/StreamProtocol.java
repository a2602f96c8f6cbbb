package io.podshim.runtime.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Kubernetes' remote command streams, as kubelet serves them and kubectl speaks them: every message
 * is one frame whose first byte names its channel. The words are the protocol's; the framing that
 * carries them (WebSocket here, SPDY for the CRI's streaming server) is apart ({@link StreamFrames}).
 */
public final class StreamProtocol {
    /** Adds {@link #CLOSE}: a stream can end while the others go on (stdin's end of file). */
    public static final String V5 = "v5.channel.k8s.io";
    public static final String V4 = "v4.channel.k8s.io";
    /** What exec and attach accept, the newest first. */
    public static final List<String> REMOTE_COMMAND = List.of(V5, V4);
    /** Port forwarding: for the i-th port, data on channel 2i and errors on 2i+1, each opened with the port number. */
    public static final String PORT_FORWARD = "portforward.k8s.io";

    public static final int STDIN = 0;
    public static final int STDOUT = 1;
    public static final int STDERR = 2;
    /** From the server, once: how the command ended, as a metav1.Status. */
    public static final int ERROR = 3;
    /** From the client: {"Width": columns, "Height": rows}. */
    public static final int RESIZE = 4;
    /** From the client (v5): the next byte is the channel that has ended. */
    public static final int CLOSE = 255;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern WIDTH = java.util.regex.Pattern.compile("\"Width\"\\s*:\\s*(\\d{1,5})");
    private static final java.util.regex.Pattern HEIGHT = java.util.regex.Pattern.compile("\"Height\"\\s*:\\s*(\\d{1,5})");

    /** A terminal's size, as a resize frame gives it. */
    public record Size(int columns, int rows) {}

    /** The size in a resize frame ({"Width": 80, "Height": 24}); empty if it holds none a terminal can have. */
    public static java.util.Optional<Size> size(java.nio.ByteBuffer frame) {
        String text = java.nio.charset.StandardCharsets.UTF_8.decode(frame).toString();
        java.util.regex.Matcher w = WIDTH.matcher(text);
        java.util.regex.Matcher h = HEIGHT.matcher(text);
        if (!w.find() || !h.find()) {
            return java.util.Optional.empty();
        }
        Size size = new Size(Integer.parseInt(w.group(1)), Integer.parseInt(h.group(1)));
        boolean fits = size.columns() > 0 && size.rows() > 0 && size.columns() <= 0xffff && size.rows() <= 0xffff; // struct winsize
        return fits ? java.util.Optional.of(size) : java.util.Optional.empty();
    }

    private StreamProtocol() {}

    /** The status that ends a stream whose command exited 0. */
    public static String success() {
        return status("Success", null, null, null).toString();
    }

    /** The status of a command that exited non-zero, with its code where kubectl looks for it. */
    public static String exited(int code) {
        ObjectNode status = status("Failure", "command terminated with non-zero exit code: exit code " + code, "NonZeroExitCode", null);
        status.putObject("details").putArray("causes").addObject().put("reason", "ExitCode").put("message", Integer.toString(code));
        return status.toString();
    }

    /** The status of a stream that failed for another reason than the command's exit. */
    public static String failure(String message) {
        return status("Failure", message, "InternalError", 500).toString();
    }

    private static ObjectNode status(String outcome, String message, String reason, Integer code) {
        ObjectNode status = JSON.createObjectNode();
        status.putObject("metadata");
        status.put("status", outcome);
        if (message != null) {
            status.put("message", message);
        }
        if (reason != null) {
            status.put("reason", reason);
        }
        if (code != null) {
            status.put("code", code);
        }
        return status;
    }
}
