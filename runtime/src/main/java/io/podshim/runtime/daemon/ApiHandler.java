package io.podshim.runtime.daemon;

import io.podshim.runtime.Futures;
import io.podshim.runtime.NamespaceTable;
import io.podshim.runtime.PodException;
import io.podshim.runtime.logs.CriLogReader;
import io.podshim.runtime.pod.ContainerState;
import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.ManifestReader;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.pod.PodStatus;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The HTTP+JSON API, versioned under {@code /v1}:
 * <pre>
 *   GET    /v1/pods                      list        ?output=json|yaml|table|wide
 *   POST   /v1/pods                      create      body: a Pod manifest (YAML or JSON)
 *   GET    /v1/pods/NAME                 get         ?output=json|yaml|describe
 *   DELETE /v1/pods/NAME                 delete      ?gracePeriod=SECONDS; answers once it is gone
 *   GET    /v1/pods/NAME/logs            logs        ?container=C&amp;follow=true&amp;previous=true
 *   GET    /v1/pods/NAME/events          events
 *   GET    /v1/pods/NAME/namespaces      which namespace each process of the pod is in  ?output=table|json
 *   POST   /v1/pods/NAME/exec            run a command in a container  ?container=C&amp;command=ARG&amp;command=ARG…
 *                                        &amp;stdin=true: the body is its standard input
 *                                        → {"exitCode": …, "stdout": …, "stderr": …}
 *   POST   /v1/pods/NAME/ephemeralcontainers  add one (an EphemeralContainer, YAML or JSON): kubectl debug
 *   GET    /v1/pods/NAME/exec, /attach, /portforward  WebSocket streams (kubectl's exec -it, port-forward): {@link StreamRoutes}
 *   GET    /v1/images                    the image store  ?output=json|yaml|table
 *   POST   /v1/images                    import  ?source=PATH (on this node)&amp;name=NAME
 *   DELETE /v1/images/NAME               remove, unless a pod uses it (409)
 * </pre>
 * Errors are JSON: {@code {"message": …, "field": …}}, the field when a manifest field is at fault.
 */
final class ApiHandler extends Handler.Abstract {
    private static final Pattern POD = Pattern.compile("/v1/pods/([^/]+)(/logs|/events|/namespaces|/exec|/ephemeralcontainers)?");
    private static final Pattern IMAGE = Pattern.compile("/v1/images/([^/]+)");

    private final PodEngine engine;

    ApiHandler(PodEngine engine) {
        this.engine = engine;
    }

    private record Reply(int status, String contentType, String body) {
        static Reply of(String output, Object value, String text) {
            return switch (output) {
                case "yaml" -> new Reply(200, "application/yaml", Render.yaml(value));
                case "json" -> new Reply(200, "application/json", Render.json(value));
                default -> new Reply(200, "text/plain; charset=utf-8", text);
            };
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        Fields query = Request.extractQueryParameters(request);
        String output = Optional.ofNullable(query.getValue("output")).orElse("json");
        Reply reply;
        try {
            Matcher pod = POD.matcher(path);
            Matcher image = IMAGE.matcher(path);
            if (path.equals("/v1/images") && request.getMethod().equals("GET")) {
                List<io.podshim.runtime.image.ImageInfo> images = engine.images();
                reply = Reply.of(output, images, io.podshim.runtime.image.ImageInfo.table(images));
            } else if (path.equals("/v1/images") && request.getMethod().equals("POST")) {
                String source = query.getValue("source");
                String name = query.getValue("name");
                if (source == null) {
                    throw PodException.invalid("give ?source=PATH (an OCI layout, an OCI or docker save archive, or a rootfs"
                            + " directory on this node), and ?name=NAME unless the archive names its image");
                }
                io.podshim.runtime.image.StoredImage imported = engine.importImage(Path.of(source), name);
                reply = new Reply(201, "application/json", Render.json(Map.of("name", imported.name(), "id", imported.id())));
            } else if (image.matches() && request.getMethod().equals("DELETE")) {
                io.podshim.runtime.image.StoredImage removed = engine.removeImage(image.group(1));
                reply = new Reply(200, "application/json", Render.json(Map.of("name", removed.name(), "id", removed.id())));
            } else if (path.equals("/v1/pods") && request.getMethod().equals("GET")) {
                List<PodStatus> pods = engine.list();
                reply = Reply.of(output, pods, Render.table(pods, output.equals("wide"), Instant.now()));
            } else if (path.equals("/v1/pods") && request.getMethod().equals("POST")) {
                PodStatus created = engine.run(ManifestReader.read(Content.Source.asString(request, StandardCharsets.UTF_8)));
                reply = new Reply(201, "application/json", Render.json(created));
            } else if (pod.matches() && pod.group(2) == null && request.getMethod().equals("GET")) {
                PodStatus status = find(pod.group(1));
                reply = Reply.of(output, status, Render.describe(status, Instant.now()));
            } else if (pod.matches() && pod.group(2) == null && request.getMethod().equals("DELETE")) {
                find(pod.group(1));
                String grace = query.getValue("gracePeriod");
                PodStatus gone = Futures.join(engine.delete(pod.group(1), grace == null ? null : Duration.ofSeconds(Long.parseLong(grace))));
                reply = new Reply(200, "application/json", Render.json(gone));
            } else if (pod.matches() && "/events".equals(pod.group(2)) && request.getMethod().equals("GET")) {
                reply = Reply.of(output.equals("json") ? "json" : output, find(pod.group(1)).events(), "");
            } else if (pod.matches() && "/namespaces".equals(pod.group(2)) && request.getMethod().equals("GET")) {
                PodStatus status = find(pod.group(1));
                if (status.pausePid() == 0) {
                    throw PodException.conflict(null, "pod " + status.name() + " has no sandbox any more (it is " + status.display()
                            + "): its namespaces are gone");
                }
                Map<String, Long> columns = new LinkedHashMap<>();
                columns.put("host", ProcessHandle.current().pid());
                columns.put("pause", (long) status.pausePid());
                List<ContainerStatus> all = new ArrayList<>(status.initContainers());
                all.addAll(status.containers());
                all.addAll(status.ephemeralContainers());
                all.stream().filter(c -> c.pid() > 0).forEach(c -> columns.put(c.name(), (long) c.pid()));
                // Next to the net namespace, what the pod has there.
                String net = status.podInterface() != null ? "net: " + status.podInterface() + " " + String.join(", ", status.podIPs())
                        + " in the pod's own namespace\n" : status.podIP() != null ? "net: the node's, " + status.podIP() + "\n" : "";
                reply = Reply.of(output, NamespaceTable.ids(columns), NamespaceTable.render(columns) + net);
            } else if (pod.matches() && "/exec".equals(pod.group(2)) && request.getMethod().equals("POST")) {
                PodStatus status = find(pod.group(1));
                String container = containerOf(status, query.getValue("container"));
                List<String> command = query.getValues("command");
                byte[] stdin = org.eclipse.jetty.util.BufferUtil.toArray(Content.Source.asByteBuffer(request));
                reply = new Reply(200, "application/json", Render.json(engine.exec(status.name(), container,
                        command == null ? List.of() : command, "true".equals(query.getValue("stdin")) ? stdin : null)));
            } else if (pod.matches() && "/ephemeralcontainers".equals(pod.group(2)) && request.getMethod().equals("POST")) {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                reply = new Reply(201, "application/json", Render.json(engine.addEphemeralContainer(find(pod.group(1)).name(), body)));
            } else if (pod.matches() && "/logs".equals(pod.group(2)) && request.getMethod().equals("GET")) {
                logs(response, callback, find(pod.group(1)), query);
                return true;
            } else {
                reply = error(404, "no such API: " + request.getMethod() + " " + path + " (see /v1/pods, /v1/images)");
            }
        } catch (PodException e) {
            reply = error(e.kind().httpStatus(), e.getMessage(), e.field());
        } catch (NumberFormatException e) {
            reply = error(400, "gracePeriod must be a whole number of seconds");
        }
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        Content.Sink.write(response, true, reply.body(), callback);
        return true;
    }

    /** {@code wanted}, or the pod's one app container when none is named, as kubectl exec picks it. */
    static String containerOf(PodStatus status, String wanted) {
        if (wanted != null) {
            return wanted;
        }
        if (status.containers().size() != 1) {
            throw PodException.invalid("pod " + status.name() + " has " + status.containers().size()
                    + " containers: choose one with -c " + status.containers().stream().map(ContainerStatus::name).toList());
        }
        return status.containers().get(0).name();
    }

    /** The API's JSON error for {@code e}, with its status. */
    static void sendError(Response response, Callback callback, PodException e) {
        send(response, callback, error(e.kind().httpStatus(), e.getMessage(), e.field()));
    }

    private PodStatus find(String name) {
        return engine.status(name).orElseThrow(() -> PodException.notFound("pod \"" + name + "\" not found"));
    }

    /**
     * Plain text lines of one container's log (the only one, or {@code container}): the current run,
     * or the one before with {@code previous}; with {@code follow}, until that run has ended.
     */
    private void logs(Response response, Callback callback, PodStatus pod, Fields query) throws Exception {
        List<ContainerStatus> all = new ArrayList<>(pod.initContainers());
        all.addAll(pod.containers());
        String wanted = query.getValue("container");
        if (wanted == null && all.size() > 1) {
            Reply r = error(400, "pod " + pod.name() + " has " + all.size() + " containers: choose one with -c "
                    + all.stream().map(ContainerStatus::name).toList());
            send(response, callback, r);
            return;
        }
        String container = wanted != null ? wanted : all.get(0).name();
        all.addAll(pod.ephemeralContainers()); // named only: never the one a bare `logs POD` shows
        if (all.stream().noneMatch(c -> c.name().equals(container))) {
            send(response, callback, error(404, "pod " + pod.name() + " has no container \"" + container + "\""));
            return;
        }
        List<Path> files = engine.logFiles(pod.name(), container);
        boolean previous = "true".equals(query.getValue("previous"));
        if (files.size() < (previous ? 2 : 1)) {
            send(response, callback, error(404, previous ? "container " + container + " has not restarted: no previous log"
                    : "container " + container + " has not started yet"));
            return;
        }
        Path file = files.get(files.size() - (previous ? 2 : 1));
        boolean follow = "true".equals(query.getValue("follow")) && !previous;
        if (!follow && !previous && all.stream().anyMatch(c -> c.name().equals(container) && c.state().is(ContainerState.Kind.TERMINATED))) {
            engine.awaitLogs(pod.name(), container, Duration.ofSeconds(2)); // an ended container's log is whole
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        CriLogReader reader = new CriLogReader(file);
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            while (true) {
                for (String line : reader.readNew()) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                if (!follow || !stillWriting(pod.name(), container, files.size())) {
                    for (String line : reader.readNew()) {
                        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                    break;
                }
                Thread.sleep(100); // a log file gives no event when it grows
            }
        }
        callback.succeeded();
    }

    private boolean stillWriting(String pod, String container, int run) {
        Optional<PodStatus> now = engine.status(pod);
        if (now.isEmpty() || engine.logFiles(pod, container).size() != run) {
            return false;
        }
        List<ContainerStatus> all = new ArrayList<>(now.get().initContainers());
        all.addAll(now.get().containers());
        all.addAll(now.get().ephemeralContainers());
        return all.stream().anyMatch(c -> c.name().equals(container) && !c.state().is(ContainerState.Kind.TERMINATED));
    }

    private static void send(Response response, Callback callback, Reply reply) {
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        Content.Sink.write(response, true, reply.body(), callback);
    }

    private static Reply error(int status, String message) {
        return error(status, message, null);
    }

    /** {@code {"message": …, "field": …}}, the field being the manifest field at fault when there is one. */
    private static Reply error(int status, String message, String field) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("message", message);
        if (field != null) {
            body.put("field", field);
        }
        return new Reply(status, "application/json", Render.json(body));
    }
}
