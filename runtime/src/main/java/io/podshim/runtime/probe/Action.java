package io.podshim.runtime.probe;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What a probe or a lifecycle hook does, as the manifest says it (one of {@code exec},
 * {@code httpGet}, {@code tcpSocket}; {@code sleep} for hooks). Ports are numbers here: a named
 * port was resolved against the container's {@code ports} when the manifest was read. Named by its
 * kind in a saved pod record ({@code pod.json}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
@JsonSubTypes({
    @JsonSubTypes.Type(value = Action.Exec.class, name = "exec"),
    @JsonSubTypes.Type(value = Action.HttpGet.class, name = "httpGet"),
    @JsonSubTypes.Type(value = Action.TcpSocket.class, name = "tcpSocket"),
    @JsonSubTypes.Type(value = Action.Sleep.class, name = "sleep")})
public sealed interface Action {

    /** Runs {@code command} in the container (its namespaces, cgroup, user); exit 0 is success. */
    record Exec(List<String> command) implements Action {}

    /**
     * GET {@code path} from {@code host}:{@code port} in the pod's network; 200–399 is success.
     *
     * @param host an IPv4 address; the pod's own loopback when the manifest gives none
     */
    record HttpGet(String host, int port, String path, List<Header> headers) implements Action {}

    record Header(String name, String value) {}

    /** Opens a TCP connection to {@code host}:{@code port} in the pod's network; success if it connects. */
    record TcpSocket(String host, int port) implements Action {}

    /** Waits {@code seconds} (hooks only). */
    record Sleep(long seconds) implements Action {}

    /** "exec [cat /tmp/ready]", "http-get http://127.0.0.1:8080/healthz": as kubectl describe shows a probe. */
    default String describe() {
        if (this instanceof Exec e) {
            return "exec " + e.command();
        }
        if (this instanceof HttpGet h) {
            return "http-get http://" + h.host() + ":" + h.port() + h.path();
        }
        if (this instanceof TcpSocket t) {
            return "tcp-socket " + t.host() + ":" + t.port();
        }
        return "sleep " + ((Sleep) this).seconds() + "s";
    }
}
