package io.podshim.runtime.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.podshim.runtime.Futures;
import io.podshim.runtime.NamespaceTable;
import io.podshim.runtime.PodException;
import io.podshim.runtime.logs.CriLogReader;
import io.podshim.runtime.kube.PodObject;
import io.podshim.runtime.pod.ContainerState;
import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.ManifestReader;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.pod.PodManifest;
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
 *   GET    /v1/pods                      list, a v1 List of Pods  ?output=json|yaml|table|wide|name|jsonpath=T
 *                                        &amp;namespace=NS (none: all) &amp;labelSelector=S &amp;name=N… &amp;showLabels=true
 *                                        &amp;watch=true: a line per change {"type": ADDED|MODIFIED|DELETED, "object": Pod}
 *                                        (&amp;timeoutSeconds=N to end it), or table rows
 *   POST   /v1/pods                      create      body: a Pod manifest (YAML or JSON); ?apply=true: or update
 *                                        → {"name": …, "action": created|configured|unchanged}
 *   DELETE /v1/pods                      delete many: ?labelSelector=S or ?all=true (&amp;namespace=NS), or the pods of a
 *                                        manifest in the body; answers a line per pod once they are gone
 *   GET    /v1/pods/NAME                 get, a v1 Pod  ?output=json|yaml|describe|table|wide|name|jsonpath=T&amp;namespace=NS
 *   DELETE /v1/pods/NAME                 delete      ?gracePeriod=SECONDS; answers once it is gone
 *   GET    /v1/pods/NAME/logs            logs        ?container=C&amp;follow=true&amp;previous=true
 *   GET    /v1/pods/NAME/events          its events, a v1 List of Events
 *   GET    /v1/events                    every pod's events  ?output=json|yaml|table&amp;namespace=NS
 *   GET    /v1/version                   the daemon's version
 *   GET    /v1/ui                        the address of the live picture of the pods, token included:
 *                                        {"url": …}, or 404 if the daemon serves none (--ui)
 *   GET    /v1/pods/NAME/namespaces      which namespace each process of the pod is in  ?output=table|json
 *   POST   /v1/pods/NAME/exec            run a command in a container  ?container=C&amp;command=ARG&amp;command=ARG…
 *                                        &amp;stdin=true: the body is its standard input
 *                                        → {"exitCode": …, "stdout": …, "stderr": …}
 *   POST   /v1/pods/NAME/ephemeralcontainers  add one (an EphemeralContainer, YAML or JSON): kubectl debug
 *   GET    /v1/pods/NAME/exec, /attach, /portforward  WebSocket streams (kubectl's exec -it, port-forward): {@link StreamRoutes}
 *   GET    /v1/images                    the image store  ?output=json|yaml|table
 *   POST   /v1/images                    import  ?source=PATH (on this node)&amp;name=NAME
 *   DELETE /v1/images/NAME               remove, unless a pod uses it (409)
 *   /v1/objects, /v1/configmaps, /v1/secrets, /v1/persistentvolumeclaims, /v1/volumes: {@link ObjectRoutes}
 *   DELETE /v1/objects                   delete the object of the document in the body (kubectl delete -f)
 * </pre>
 * Errors are JSON: {@code {"message": …, "field": …}}, the field when a manifest field is at fault.
 */
final class ApiHandler extends Handler.Abstract {
    private static final Pattern POD = Pattern.compile("/v1/pods/([^/]+)(/logs|/events|/namespaces|/exec|/ephemeralcontainers)?");
    private static final Pattern IMAGE = Pattern.compile("/v1/images/([^/]+)");

    private final PodEngine engine;
    private final ObjectRoutes objects;
    /** The node's name, as the objects and tables give it. */
    private final String node;
    /** The page's address ({@code daemon --ui}), given only through this root-only socket; null without one. */
    private final String uiUrl;

    /** The CRI's sandboxes, listed beside podshim's own pods; null when the daemon serves no CRI. */
    private final io.podshim.runtime.cri.CriRuntime cri;

    ApiHandler(PodEngine engine, String uiUrl) {
        this(engine, uiUrl, null);
    }

    ApiHandler(PodEngine engine, String uiUrl, io.podshim.runtime.cri.CriRuntime cri) {
        this.engine = engine;
        this.cri = cri;
        this.uiUrl = uiUrl;
        this.objects = new ObjectRoutes(engine);
        this.node = engine.nodeLabels().get("kubernetes.io/hostname");
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
            String objectBody = path.equals("/v1/objects") ? Content.Source.asString(request, StandardCharsets.UTF_8) : "";
            ObjectRoutes.Reply object = objects.handle(request.getMethod(), path, query.getValue("namespace"), output, objectBody,
                    "true".equals(query.getValue("apply")));
            if (object != null) {
                reply = new Reply(object.status(), object.contentType(), object.body());
            } else if (path.equals("/v1/objects") && request.getMethod().equals("DELETE")) {
                io.podshim.runtime.pod.ObjectReader.Document doc = io.podshim.runtime.pod.ObjectReader.read(objectBody);
                if (doc.pod() != null) {
                    reply = deleteMany(query, objectBody);
                } else {
                    engine.deleteObject(doc.kind(), doc.namespace(), doc.name());
                    reply = new Reply(200, "text/plain; charset=utf-8", ObjectRoutes.singular(doc.kind()) + " \"" + doc.name()
                            + "\" deleted\n");
                }
            } else if (path.equals("/v1/images") && request.getMethod().equals("GET")) {
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
            } else if (path.equals("/v1/ui") && request.getMethod().equals("GET")) {
                reply = uiUrl == null ? error(404, "this daemon serves no page: start it with --ui 127.0.0.1:PORT")
                        : new Reply(200, "application/json", Render.json(Map.of("url", uiUrl)));
            } else if (path.equals("/v1/version") && request.getMethod().equals("GET")) {
                reply = new Reply(200, "application/json", Render.json(Version.info()));
            } else if (path.equals("/v1/pods") && request.getMethod().equals("GET")) {
                PodQuery q = PodQuery.of(query, "json");
                if (q.watch()) {
                    PodWatch.serve(engine, node, q, request, response, callback);
                    return true;
                }
                List<PodStatus> pods = engine.list().stream().filter(q::matches).toList();
                reply = q.output().equals("table") || q.output().equals("wide") ? table(q, pods) : pods(q, pods, false);
            } else if (path.equals("/v1/pods") && request.getMethod().equals("POST")) {
                PodManifest manifest = ManifestReader.read(Content.Source.asString(request, StandardCharsets.UTF_8));
                if ("true".equals(query.getValue("apply"))) {
                    PodEngine.Applied applied = engine.apply(manifest);
                    reply = new Reply(applied.action().equals("created") ? 201 : 200, "application/json",
                            Render.json(Map.of("name", applied.status().name(), "action", applied.action())));
                } else {
                    reply = new Reply(201, "application/json", Render.json(PodObject.of(engine.run(manifest), node)));
                }
            } else if (path.equals("/v1/pods") && request.getMethod().equals("DELETE")) {
                reply = deleteMany(query, Content.Source.asString(request, StandardCharsets.UTF_8));
            } else if (path.equals("/v1/events") && request.getMethod().equals("GET")) {
                PodQuery q = PodQuery.of(query, "json");
                List<PodStatus> pods = engine.list().stream().filter(q::matches).toList();
                reply = events(output, pods, q.namespace() == null);
            } else if (pod.matches() && pod.group(2) == null && request.getMethod().equals("GET")) {
                PodQuery q = PodQuery.of(query, "json");
                PodStatus status = find(pod.group(1), q.namespace());
                reply = q.output().equals("describe") ? new Reply(200, "text/plain; charset=utf-8", Description.of(status, node,
                        Instant.now())) : pods(q, List.of(status), true);
            } else if (pod.matches() && pod.group(2) == null && request.getMethod().equals("DELETE")) {
                find(pod.group(1), query.getValue("namespace"));
                String grace = query.getValue("gracePeriod");
                PodStatus gone = Futures.join(engine.delete(pod.group(1), grace == null ? null : Duration.ofSeconds(Long.parseLong(grace))));
                reply = new Reply(200, "application/json", Render.json(PodObject.of(gone, node)));
            } else if (pod.matches() && "/events".equals(pod.group(2)) && request.getMethod().equals("GET")) {
                reply = events(output, List.of(find(pod.group(1), query.getValue("namespace"))), false);
            } else if (pod.matches() && "/namespaces".equals(pod.group(2)) && request.getMethod().equals("GET")
                    && pod.group(1).startsWith(io.podshim.runtime.cri.CriPod.PREFIX)) {
                io.podshim.runtime.cri.CriPod sandbox = criPod(pod.group(1), query.getValue("namespace"));
                if (sandbox.pausePid() == 0) {
                    throw PodException.conflict(null, "CRI sandbox " + sandbox.name() + " (" + sandbox.id() + ") is not ready: its"
                            + " namespaces are gone");
                }
                Map<String, Long> columns = new java.util.LinkedHashMap<>();
                columns.put("host", ProcessHandle.current().pid());
                columns.putAll(sandbox.processes());
                String net = sandbox.ip() != null ? "net: " + sandbox.ip() + " in the pod's own namespace (CRI sandbox " + sandbox.id()
                        .substring(0, 13) + ")\n" : "";
                reply = Reply.of(output, NamespaceTable.ids(columns), NamespaceTable.render(columns) + net);
            } else if (pod.matches() && "/namespaces".equals(pod.group(2)) && request.getMethod().equals("GET")) {
                PodStatus status = find(pod.group(1));
                if (status.pausePid() == 0) {
                    throw PodException.conflict(null, "pod " + status.name() + " has no sandbox any more (it is " + status.display()
                            + "): its namespaces are gone");
                }
                Map<String, Long> columns = NamespaceTable.columns(status);
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
        return find(name, null);
    }

    /** Pod {@code name}, in {@code namespace} unless that is null; else NOT_FOUND as the API server says it. */
    private PodStatus find(String name, String namespace) {
        return engine.status(name).filter(p -> namespace == null || p.namespace().equals(namespace))
                .orElseThrow(() -> PodException.notFound("pod \"" + name + "\" not found"
                        + (namespace == null ? "" : " in namespace \"" + namespace + "\"")));
    }

    /** {@code get pods}' table: podshim's own pods, then the CRI's sandboxes that {@code q} selects (by namespace and labels). */
    private Reply table(PodQuery q, List<PodStatus> pods) {
        List<io.podshim.runtime.cri.CriPod> sandboxes = cri == null ? List.of() : cri.pods().stream()
                .filter(p -> (q.namespace() == null || q.namespace().equals(p.namespace())) && q.selector().test(p.labels())
                        && (q.names().isEmpty() || q.names().contains(p.listedName())))
                .toList();
        if (pods.isEmpty() && sandboxes.isEmpty()) {
            return new Reply(200, "text/plain; charset=utf-8", q.namespace() == null ? "No resources found\n"
                    : "No resources found in " + q.namespace() + " namespace.\n");
        }
        return new Reply(200, "text/plain; charset=utf-8", Render.table(pods, sandboxes, q.columns(node), true, Instant.now()));
    }

    /** The CRI sandbox listed as {@code listed} ({@code cri:NAME}), its newest if kubelet made several; else NOT_FOUND. */
    private io.podshim.runtime.cri.CriPod criPod(String listed, String namespace) {
        return (cri == null ? List.<io.podshim.runtime.cri.CriPod>of() : cri.pods()).stream()
                .filter(p -> p.listedName().equals(listed) && (namespace == null || namespace.equals(p.namespace())))
                .max(java.util.Comparator.comparing(io.podshim.runtime.cri.CriPod::created))
                .orElseThrow(() -> PodException.notFound("pod \"" + listed + "\" not found: no CRI sandbox of that name"));
    }

    /** {@code pods} as {@code q} wants them: one Pod object when {@code single}, else a List, or kubectl's table, names, JSONPath. */
    private Reply pods(PodQuery q, List<PodStatus> pods, boolean single) {
        String text = "text/plain; charset=utf-8";
        return switch (q.output()) {
            case "table", "wide" -> new Reply(200, text, pods.isEmpty() && !single ? (q.namespace() == null ? "No resources found\n"
                    : "No resources found in " + q.namespace() + " namespace.\n") : Render.table(pods, q.columns(node), true, Instant.now()));
            case "name" -> new Reply(200, text, pods.stream().map(p -> "pod/" + p.name() + "\n").reduce("", String::concat));
            case "jsonpath" -> new Reply(200, text, q.jsonPath().render(object(pods, single)));
            case "yaml" -> new Reply(200, "application/yaml", Render.yaml(object(pods, single)));
            default -> new Reply(200, "application/json", Render.json(object(pods, single)));
        };
    }

    private JsonNode object(List<PodStatus> pods, boolean single) {
        return single ? PodObject.of(pods.get(0), node) : PodObject.list(pods.stream().map(p -> PodObject.of(p, node)).toList());
    }

    /** The events of {@code pods} as a v1 List of Events, or kubectl's {@code get events} table, oldest first. */
    private Reply events(String output, List<PodStatus> pods, boolean allNamespaces) {
        List<com.fasterxml.jackson.databind.node.ObjectNode> events = new ArrayList<>();
        pods.forEach(p -> events.addAll(PodObject.events(p, node)));
        events.sort(java.util.Comparator.comparing(e -> e.path("lastTimestamp").asText()));
        return switch (output) {
            case "table" -> new Reply(200, "text/plain; charset=utf-8", Render.events(events, allNamespaces, Instant.now()));
            case "yaml" -> new Reply(200, "application/yaml", Render.yaml(PodObject.list(events)));
            default -> new Reply(200, "application/json", Render.json(PodObject.list(events)));
        };
    }

    /**
     * Deletes every pod the request names: those of the manifest in {@code body} (kubectl delete -f),
     * or those {@code labelSelector} selects, or with {@code all=true} every pod, in {@code namespace}
     * if given; all at once, answering once they are gone, a line each, as kubectl prints them.
     */
    private Reply deleteMany(Fields query, String body) {
        List<String> names = new ArrayList<>();
        if (!body.isBlank()) {
            PodManifest m = ManifestReader.read(body);
            find(m.name(), m.namespace());
            names.add(m.name());
        } else if (query.getValue("labelSelector") != null || "true".equals(query.getValue("all"))) {
            PodQuery q = PodQuery.of(query, "name");
            engine.list().stream().filter(q::matches).forEach(p -> names.add(p.name()));
        } else {
            throw PodException.invalid("resource(s) were provided, but no name was specified: give a manifest, ?labelSelector= or ?all=true");
        }
        String grace = query.getValue("gracePeriod");
        Duration g = grace == null ? null : Duration.ofSeconds(Long.parseLong(grace));
        List<java.util.concurrent.CompletableFuture<PodStatus>> gone = names.stream().map(n -> engine.delete(n, g)).toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            try {
                Futures.join(gone.get(i));
                out.append("pod/").append(names.get(i)).append(" deleted\n");
            } catch (PodException e) {
                if (e.kind() != PodException.Kind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return new Reply(200, "text/plain; charset=utf-8", out.length() == 0 ? "No resources found\n" : out.toString());
    }


    /**
     * Plain text lines of one container's log, as kubectl logs prints them: the container named, or
     * the one the pod's {@code kubectl.kubernetes.io/default-container} annotation names, or its first
     * app container; the current run, or the one before with {@code previous}; only the last
     * {@code tailLines}, only those of the last {@code sinceSeconds}, each with its time with
     * {@code timestamps}; with {@code follow}, until that run has ended.
     */
    private void logs(Response response, Callback callback, PodStatus pod, Fields query) throws Exception {
        List<ContainerStatus> all = pod.allContainers();
        String wanted = query.getValue("container");
        String container = wanted != null ? wanted : pod.manifest().annotations().getOrDefault("kubectl.kubernetes.io/default-container",
                pod.containers().get(0).name());
        if (all.stream().noneMatch(c -> c.name().equals(container))) {
            send(response, callback, error(404, "container " + container + " is not valid for pod " + pod.name() + ": choose one of "
                    + all.stream().map(ContainerStatus::name).toList()));
            return;
        }
        List<Path> files = engine.logFiles(pod.name(), container);
        boolean previous = "true".equals(query.getValue("previous"));
        if (files.size() < (previous ? 2 : 1)) {
            send(response, callback, error(404, previous ? "previous terminated container \"" + container + "\" in pod \"" + pod.name()
                    + "\" not found" : "container \"" + container + "\" in pod \"" + pod.name() + "\" is waiting to start"));
            return;
        }
        Integer tail;
        Long since;
        try {
            tail = query.getValue("tailLines") == null ? null : Integer.parseInt(query.getValue("tailLines"));
            since = query.getValue("sinceSeconds") == null ? null : Long.parseLong(query.getValue("sinceSeconds"));
        } catch (NumberFormatException e) {
            send(response, callback, error(400, "tailLines and sinceSeconds must be whole numbers"));
            return;
        }
        boolean timestamps = "true".equals(query.getValue("timestamps"));
        Instant after = since == null ? null : Instant.now().minusSeconds(since);
        Path file = files.get(files.size() - (previous ? 2 : 1));
        boolean follow = "true".equals(query.getValue("follow")) && !previous;
        if (!follow && !previous && all.stream().anyMatch(c -> c.name().equals(container) && c.state().is(ContainerState.Kind.TERMINATED))) {
            engine.awaitLogs(pod.name(), container, Duration.ofSeconds(2)); // an ended container's log is whole
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        CriLogReader reader = new CriLogReader(file);
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            List<CriLogReader.Line> first = reader.readNewLines();
            if (after != null) {
                first = first.stream().filter(l -> !l.instant().isBefore(after)).toList();
            }
            if (tail != null && first.size() > tail) {
                first = first.subList(first.size() - tail, first.size());
            }
            write(out, first, timestamps);
            while (follow && stillWriting(pod.name(), container, files.size())) {
                Thread.sleep(100); // a log file gives no event when it grows
                write(out, reader.readNewLines(), timestamps);
            }
            write(out, reader.readNewLines(), timestamps);
        }
        callback.succeeded();
    }

    private static void write(OutputStream out, List<CriLogReader.Line> lines, boolean timestamps) throws java.io.IOException {
        for (CriLogReader.Line line : lines) {
            out.write(((timestamps ? line.time() + " " : "") + line.text() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }

    private boolean stillWriting(String pod, String container, int run) {
        Optional<PodStatus> now = engine.status(pod);
        if (now.isEmpty() || engine.logFiles(pod, container).size() != run) {
            return false;
        }
        List<ContainerStatus> all = now.get().allContainers();
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
