package io.podshim.runtime.daemon;

import io.podshim.linux.TcpSocket;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.ExecSession;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.pod.PodStatus;
import io.podshim.runtime.stream.AttachStreams;
import io.podshim.runtime.stream.ExecStreams;
import io.podshim.runtime.stream.PortForwardStreams;
import io.podshim.runtime.stream.StreamProtocol;
import io.podshim.runtime.stream.WebSocketStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The API's streams, upgraded to WebSocket as kubelet's and the API server's are:
 * <pre>
 *   GET /v1/pods/NAME/exec         ?container=C&amp;command=ARG…&amp;stdin=true&amp;tty=true[&amp;width=W&amp;height=H]
 *                                  subprotocol v5.channel.k8s.io or v4.channel.k8s.io
 *   GET /v1/pods/NAME/attach       ?container=C&amp;stdin=true   subprotocol v5.channel.k8s.io or v4.channel.k8s.io
 *   GET /v1/pods/NAME/portforward  ?ports=P[,P…]   subprotocol portforward.k8s.io
 * </pre>
 * Anything else goes on to the plain API. A request that cannot be served (no such pod, a container
 * that does not run, nothing listening on the port) is answered before the upgrade, with the API's
 * JSON error and status.
 */
final class StreamRoutes {
    /** kubelet's default streaming-connection-idle-timeout: an idle shell stays open that long. */
    static final Duration IDLE_TIMEOUT = Duration.ofHours(4);
    private static final Pattern STREAM = Pattern.compile("/v1/pods/([^/]+)/(exec|attach|portforward)");

    private StreamRoutes() {}

    static WebSocketUpgradeHandler around(Server server, ApiHandler api, PodEngine engine) {
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(IDLE_TIMEOUT);
            container.addMapping("regex|^/v1/pods/[^/]+/exec$", (request, response, callback) -> {
                try {
                    return exec(engine, request, response);
                } catch (PodException e) {
                    ApiHandler.sendError(response, callback, e);
                    return null;
                }
            });
            container.addMapping("regex|^/v1/pods/[^/]+/attach$", (request, response, callback) -> {
                try {
                    return attach(engine, request, response);
                } catch (PodException e) {
                    ApiHandler.sendError(response, callback, e);
                    return null;
                }
            });
            container.addMapping("regex|^/v1/pods/[^/]+/portforward$", (request, response, callback) -> {
                try {
                    return portForward(engine, request, response);
                } catch (PodException e) {
                    ApiHandler.sendError(response, callback, e);
                    return null;
                }
            });
        });
        upgrade.setHandler(api);
        return upgrade;
    }

    private static Object exec(PodEngine engine, ServerUpgradeRequest request, ServerUpgradeResponse response) {
        String protocol = choose(request, StreamProtocol.REMOTE_COMMAND);
        Fields query = Request.extractQueryParameters(request);
        PodStatus pod = pod(engine, request);
        String container = ApiHandler.containerOf(pod, query.getValue("container"));
        List<String> command = query.getValues("command");
        if (command == null || command.isEmpty()) {
            throw PodException.invalid("exec: give the command to run (?command=ARG, one per argument)");
        }
        boolean tty = "true".equals(query.getValue("tty"));
        ExecSession session = engine.execSession(pod.name(), container, command, "true".equals(query.getValue("stdin")), tty,
                number(query, "width"), number(query, "height"));
        response.setAcceptedSubProtocol(protocol);
        return new WebSocketStream(new ExecStreams(session, "exec " + command + " in " + pod.name() + "/" + container));
    }

    private static Object attach(PodEngine engine, ServerUpgradeRequest request, ServerUpgradeResponse response) {
        String protocol = choose(request, StreamProtocol.REMOTE_COMMAND);
        Fields query = Request.extractQueryParameters(request);
        PodStatus pod = pod(engine, request);
        String container = ApiHandler.containerOf(pod, query.getValue("container"));
        PodEngine.Attached attached = engine.attach(pod.name(), container, "true".equals(query.getValue("stdin")));
        response.setAcceptedSubProtocol(protocol);
        return new WebSocketStream(new AttachStreams(attached));
    }

    private static Object portForward(PodEngine engine, ServerUpgradeRequest request, ServerUpgradeResponse response) {
        String protocol = choose(request, List.of(StreamProtocol.PORT_FORWARD));
        Fields query = Request.extractQueryParameters(request);
        PodStatus pod = pod(engine, request);
        List<Integer> ports = new ArrayList<>();
        for (String value : query.getValues("ports") == null ? List.<String>of() : query.getValues("ports")) {
            for (String one : value.split(",")) {
                try {
                    int port = Integer.parseInt(one.strip());
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                    ports.add(port);
                } catch (NumberFormatException e) {
                    throw PodException.invalid("port-forward: \"" + one + "\" is not a port: give 1-65535");
                }
            }
        }
        if (ports.isEmpty()) {
            throw PodException.invalid("port-forward: give the pod's ports (?ports=8080[,9090])");
        }
        List<TcpSocket> sockets = new ArrayList<>();
        try {
            for (int port : ports) {
                sockets.add(engine.connect(pod.name(), port));
            }
        } catch (RuntimeException e) {
            sockets.forEach(TcpSocket::close);
            throw e;
        }
        response.setAcceptedSubProtocol(protocol);
        return new WebSocketStream(new PortForwardStreams(ports, sockets));
    }

    private static PodStatus pod(PodEngine engine, ServerUpgradeRequest request) {
        Matcher m = STREAM.matcher(Request.getPathInContext(request));
        if (!m.matches()) {
            throw PodException.notFound("no such stream: " + Request.getPathInContext(request));
        }
        return engine.status(m.group(1)).orElseThrow(() -> PodException.notFound("pod \"" + m.group(1) + "\" not found"));
    }

    /** The first of {@code ours} the client offers, as kubelet negotiates. */
    private static String choose(ServerUpgradeRequest request, List<String> ours) {
        for (String offered : request.getSubProtocols()) {
            if (ours.contains(offered)) {
                return offered;
            }
        }
        throw PodException.invalid("the stream needs a WebSocket subprotocol of " + ours + "; the client offered "
                + request.getSubProtocols());
    }

    private static int number(Fields query, String name) {
        try {
            return query.getValue(name) == null ? 0 : Integer.parseInt(query.getValue(name));
        } catch (NumberFormatException e) {
            throw PodException.invalid(name + ": \"" + query.getValue(name) + "\" is not a number");
        }
    }
}
