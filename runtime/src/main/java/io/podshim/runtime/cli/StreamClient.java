package io.podshim.runtime.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.JettyUpgradeListener;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The CLI's streams to the daemon: WebSocket over the daemon's unix socket (Jetty's client), for
 * exec -i/-t and port-forward only; every other command keeps to {@link ApiClient}'s plain HTTP and
 * loads none of this. A request the daemon refuses before the upgrade gives its own message.
 * Public for tests and tools that speak the streams themselves.
 */
public final class StreamClient implements AutoCloseable {
    /** As the daemon's: an idle shell stays open for hours. */
    private static final Duration IDLE_TIMEOUT = Duration.ofHours(4);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final Path socket;
    private final HttpClient http;
    private final WebSocketClient client;

    public StreamClient(Path socket) throws IOException {
        this.socket = socket;
        this.http = new HttpClient(new HttpClientTransportOverHTTP(ClientConnector.forUnixDomain(socket)));
        this.client = new WebSocketClient(http);
        client.setIdleTimeout(IDLE_TIMEOUT);
        try {
            client.start();
        } catch (Exception e) {
            throw new IOException("start a stream client: " + e.getMessage(), e);
        }
    }

    /** Opens the stream {@code target} (a path and query) with one of {@code protocols}; {@code listener} gets its frames. */
    public Session connect(String target, List<String> protocols, Session.Listener listener) throws IOException {
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setSubProtocols(protocols);
        ByteArrayOutputStream refusal = new ByteArrayOutputStream();
        JettyUpgradeListener keepBody = new JettyUpgradeListener() {
            @Override
            public void onHandshakeRequest(org.eclipse.jetty.client.Request request) {
                // A refused upgrade is a plain answer whose body is the daemon's JSON error.
                request.onResponseContent((response, content) -> {
                    byte[] bytes = new byte[content.remaining()];
                    content.get(bytes);
                    refusal.write(bytes, 0, bytes.length);
                });
            }
        };
        try {
            return client.connect(listener, URI.create("ws://podshim" + target), upgrade, keepBody)
                    .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            String body = refusal.toString(StandardCharsets.UTF_8);
            if (!body.isBlank()) {
                throw new IOException(new ApiClient.Reply(500, body).message());
            }
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot reach the podshim daemon at " + socket + " (" + cause.getMessage()
                    + "): is it running? Start it with: podshim daemon", cause);
        } catch (TimeoutException e) {
            throw new IOException("the podshim daemon at " + socket + " did not answer within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + socket);
        }
    }

    /** Sends one frame: {@code channel}, then {@code length} bytes of {@code data}; blocks until it is on its way. */
    public static void send(Session session, int channel, byte[] data, int length) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(length + 1);
        frame.put((byte) channel).put(data, 0, length).flip();
        Callback.Completable sent = new Callback.Completable();
        session.sendBinary(frame, sent);
        try {
            sent.get();
        } catch (ExecutionException e) {
            throw new IOException("the stream to the daemon broke: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending");
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
            http.stop();
        } catch (Exception e) {
            // the process ends right after
        }
    }
}
