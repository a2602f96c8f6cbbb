package io.podshim.runtime.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.kube.PodObject;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.pod.PodStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The page's routes, every one behind the token ({@code ?token=}) and GET only:
 * <pre>
 *   /                              the page (its asset addresses carry the token)
 *   /assets/ui.js, /assets/ui.css  what it is drawn with, from the jar: no CDN, no network
 *   /api/pods                      every pod, a v1 List of Pods
 *   /api/pods/NAMESPACE/NAME       one pod's picture ({@link PodPicture})
 * </pre>
 * A request for another host name than the address it listens on is refused (DNS rebinding: a web
 * page elsewhere naming its own host as 127.0.0.1), as is any other method: the page never acts.
 */
final class UiHandler extends Handler.Abstract {
    private static final Pattern POD = Pattern.compile("/api/pods/([^/]+)/([^/]+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One of the page's files, as served. */
    private record Asset(String contentType, byte[] bytes) {}

    private final PodEngine engine;
    private final String node;
    private final RunHistory history;
    private final UiToken token;
    private final String page;
    private final Map<String, Asset> assets;

    UiHandler(PodEngine engine, String node, RunHistory history, UiToken token) {
        this.engine = engine;
        this.node = node;
        this.history = history;
        this.token = token;
        this.page = new String(resource("index.html"), StandardCharsets.UTF_8).replace("{{TOKEN}}", token.value());
        this.assets = Map.of("/assets/ui.js", new Asset("text/javascript; charset=utf-8", resource("ui.js")),
                "/assets/ui.css", new Asset("text/css; charset=utf-8", resource("ui.css")));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        // Nothing of the page may be framed, sent on as a referrer, or load from anywhere but here.
        response.getHeaders().put("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (!loopbackHost(request.getHeaders().get(HttpHeader.HOST))) {
            return send(response, callback, 403, "text/plain; charset=utf-8", "this page answers to 127.0.0.1, [::1] and localhost only\n");
        }
        if (!token.matches(Request.extractQueryParameters(request).getValue("token"))) {
            return send(response, callback, 401, "text/plain; charset=utf-8",
                    "401: this page needs the token of its address: run podshim ui (as root) to see the address\n");
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            return send(response, callback, 405, "text/plain; charset=utf-8", "405: the page only shows: it takes GET alone\n");
        }
        if (path.equals("/") || path.equals("/index.html")) {
            return send(response, callback, 200, "text/html; charset=utf-8", page);
        }
        Asset asset = assets.get(path);
        if (asset != null) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.contentType());
            response.write(true, ByteBuffer.wrap(asset.bytes()), callback);
            return true;
        }
        if (path.equals("/api/pods")) {
            return json(response, callback, PodObject.list(engine.list().stream().map(p -> PodObject.of(p, node)).toList()));
        }
        Matcher pod = POD.matcher(path);
        if (pod.matches()) {
            Optional<PodStatus> status = engine.status(pod.group(2)).filter(p -> p.namespace().equals(pod.group(1)));
            if (status.isEmpty()) {
                return send(response, callback, 404, "application/json", JSON.writeValueAsString(Map.of("message",
                        "pod \"" + pod.group(2) + "\" not found in namespace \"" + pod.group(1) + "\"")));
            }
            return json(response, callback, PodPicture.of(status.get(), node, engine, history, Instant.now()));
        }
        return send(response, callback, 404, "text/plain; charset=utf-8", "404: no such page: " + path + "\n");
    }

    /** The Host header names the loopback address or localhost (any port: the connector chose it). */
    private static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceFirst(":\\d+$", "");
        return name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
    }

    private static boolean json(Response response, Callback callback, Object value) throws IOException {
        return send(response, callback, 200, "application/json", JSON.writeValueAsString(value));
    }

    private static boolean send(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    private static byte[] resource(String name) {
        try (InputStream in = UiHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks io/podshim/runtime/ui/" + name + ": rebuild podshim");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
