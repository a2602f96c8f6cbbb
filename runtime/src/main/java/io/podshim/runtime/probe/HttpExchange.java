package io.podshim.runtime.probe;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP/1.1 of an {@code httpGet} probe, as kubelet speaks it: one GET with {@code Connection: close},
 * kubelet's default headers unless the manifest sets its own, and a verdict from the status line
 * (200–399 succeed) once the answer is complete (its Content-Length read, or the connection closed).
 */
final class HttpExchange {
    private static final Pattern STATUS = Pattern.compile("HTTP/\\d(?:\\.\\d)? (\\d{3})[^\\r\\n]*\\r?\\n");
    private static final Pattern LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    private HttpExchange() {}

    static byte[] request(Action.HttpGet get) {
        StringBuilder text = new StringBuilder("GET ").append(get.path()).append(" HTTP/1.1\r\n");
        java.util.Set<String> given = new java.util.HashSet<>();
        for (Action.Header h : get.headers()) {
            given.add(h.name().toLowerCase(Locale.ROOT));
        }
        if (!given.contains("host")) {
            text.append("Host: ").append(get.host()).append(':').append(get.port()).append("\r\n");
        }
        if (!given.contains("user-agent")) {
            text.append("User-Agent: kube-probe/podshim\r\n");
        }
        if (!given.contains("accept")) {
            text.append("Accept: */*\r\n");
        }
        for (Action.Header h : get.headers()) {
            text.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        text.append("Connection: close\r\n\r\n");
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The verdict on {@code answer} so far, or empty while more is needed. {@code ended}: no more will
     * come (end of stream, or as much as is read).
     */
    static Optional<Outcome> outcome(byte[] answer, boolean ended) {
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        int headersEnd = text.indexOf("\r\n\r\n");
        if (headersEnd < 0 && !ended) {
            return Optional.empty();
        }
        Matcher status = STATUS.matcher(text);
        if (!status.lookingAt()) {
            return ended ? Optional.of(Outcome.failed("the answer is not HTTP: "
                    + text.lines().findFirst().orElse("(empty)"))) : Optional.empty();
        }
        if (!ended) {
            Matcher length = LENGTH.matcher(text.substring(0, headersEnd));
            if (!length.find() || answer.length - (headersEnd + 4) < Long.parseLong(length.group(1))) {
                return Optional.empty();
            }
        }
        int code = Integer.parseInt(status.group(1));
        return Optional.of(code >= 200 && code < 400 ? Outcome.ok("HTTP probe succeeded with statuscode: " + code)
                : Outcome.failed("HTTP probe failed with statuscode: " + code));
    }
}
