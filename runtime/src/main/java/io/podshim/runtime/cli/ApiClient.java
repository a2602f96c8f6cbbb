package io.podshim.runtime.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI's way to the daemon: HTTP/1.0 over the unix socket with nothing but the JDK, so a command
 * starts without loading JNR, Jackson or the runtime. HTTP/1.0 keeps it simple: one request per
 * connection, the body ends when the daemon closes it, which also suits following logs.
 */
public final class ApiClient {
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Path socket;

    public ApiClient(Path socket) {
        this.socket = socket;
    }

    /**
     * Sends the request and copies the body, as it arrives, to the stream {@code sinkFor} picks for
     * the response's HTTP status; returns that status.
     */
    public int call(String method, String target, byte[] body, IntFunction<OutputStream> sinkFor) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException("cannot reach the podshim daemon at " + socket + " (" + e.getMessage()
                        + "): is it running? Start it with: podshim daemon", e);
            }
            String head = method + " " + target + " HTTP/1.0\r\nHost: podshim\r\nContent-Length: "
                    + (body == null ? 0 : body.length) + "\r\n\r\n";
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            if (body != null) {
                channel.write(ByteBuffer.wrap(body));
            }
            InputStream in = Channels.newInputStream(channel);
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            while (!line(in).isEmpty()) {
                // headers: nothing the CLI needs
            }
            OutputStream out = sinkFor.apply(status);
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            return status;
        }
    }

    public record Reply(int status, String body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        /** The daemon's error message (JSON {"message": …}), or the body itself. */
        public String message() {
            Matcher m = MESSAGE.matcher(body);
            return m.find() ? unescape(m.group(1)) : body.trim();
        }

        /** A top-level string or number field of a flat JSON answer, without a JSON library. */
        String field(String name) {
            Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+))").matcher(body);
            return !m.find() ? null : m.group(2) != null ? unescape(m.group(2)) : m.group(3);
        }
    }

    public Reply call(String method, String target, byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = call(method, target, body, any -> out);
        return new Reply(status, out.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    static String unescape(String json) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\' && i + 1 < json.length()) {
                char n = json.charAt(++i);
                switch (n) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
