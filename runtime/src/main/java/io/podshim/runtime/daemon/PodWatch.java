package io.podshim.runtime.daemon;

import io.podshim.runtime.kube.PodObject;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.pod.PodStatus;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /v1/pods?watch=true}: the engine's changes of the pods a query selects, as they happen. */
final class PodWatch {
    private PodWatch() {}

    /**
     * A watch, as Kubernetes' is: the pods there are (ADDED), then every change as it happens, a
     * JSON line each, until the client goes or {@code timeoutSeconds} is over; with a table output,
     * the header and a row per change (kubectl get -w).
     */
    static void serve(PodEngine engine, String node, PodQuery q, Request request, Response response, Callback callback) throws Exception {
        java.util.concurrent.BlockingQueue<Map.Entry<String, PodStatus>> changes = new java.util.concurrent.LinkedBlockingQueue<>(10_000);
        java.util.concurrent.atomic.AtomicBoolean overflow = new java.util.concurrent.atomic.AtomicBoolean();
        long deadline = q.timeoutSeconds() == null ? Long.MAX_VALUE : System.nanoTime() + q.timeoutSeconds() * 1_000_000_000L;
        response.setStatus(200);
        boolean table = q.output().equals("table") || q.output().equals("wide");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, table || q.output().equals("name") ? "text/plain; charset=utf-8"
                : "application/json");
        try (AutoCloseable following = engine.follow((type, status) -> {
                 if (q.matches(status) && !changes.offer(Map.entry(type, status))) {
                     overflow.set(true); // a client that cannot keep up is let go; it can watch again
                 }
             });
             OutputStream out = Content.Sink.asOutputStream(response)) {
            if (table) {
                out.write(Render.table(List.of(), q.columns(node), true, Instant.now()).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            org.eclipse.jetty.io.EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
            while (!overflow.get() && endPoint.isOpen()) { // closed: the daemon stops
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Map.Entry<String, PodStatus> change = changes.poll(Math.min(left, 1_000_000_000L), java.util.concurrent.TimeUnit.NANOSECONDS);
                if (change == null) {
                    continue;
                }
                String line = switch (q.output()) {
                    case "table", "wide" -> Render.table(List.of(change.getValue()), q.columns(node), false, Instant.now());
                    case "name" -> "pod/" + change.getValue().name() + "\n";
                    default -> Render.line(Map.of("type", change.getKey(), "object", PodObject.of(change.getValue(), node)));
                };
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (java.io.IOException | InterruptedException gone) {
            // the client went, or the daemon stops
        }
        callback.succeeded();
    }
}
