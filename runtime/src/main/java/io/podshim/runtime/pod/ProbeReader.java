package io.podshim.runtime.pod;

import io.podshim.runtime.probe.Action;
import io.podshim.runtime.probe.Lifecycle;
import io.podshim.runtime.probe.Probe;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a container's probes and lifecycle hooks, with Kubernetes' defaults and validation: one
 * handler each, thresholds and periods of at least 1 (0 means the default), successThreshold 1 for
 * liveness and startup, a probe-level terminationGracePeriodSeconds for those two only. Named ports
 * are resolved against the container's {@code ports} here, so a probe never meets a name at run time.
 */
final class ProbeReader {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    static final String LOOPBACK = "127.0.0.1";

    private ProbeReader() {}

    static Probe probe(Field p, String kind, Map<String, Integer> ports) {
        p.onlyKeys(Field.keys("exec", "httpGet", "tcpSocket", "initialDelaySeconds", "periodSeconds", "timeoutSeconds",
                "successThreshold", "failureThreshold", "terminationGracePeriodSeconds"), Field.keys("grpc"));
        Action action = handler(p, ports, false);
        boolean restarts = !kind.equals("readinessProbe");
        long success = orDefault(p, "successThreshold", 1, 1);
        if (restarts && success != 1) {
            throw p.get("successThreshold").error("must be 1 for a " + kind + " (only readiness counts successes)");
        }
        Long grace = p.integer("terminationGracePeriodSeconds");
        if (grace != null && !restarts) {
            throw p.get("terminationGracePeriodSeconds").error("must not be set for a readinessProbe: it never stops the container");
        }
        if (grace != null && grace < 1) {
            throw p.get("terminationGracePeriodSeconds").error("must be at least 1 second");
        }
        return new Probe(action, orDefault(p, "initialDelaySeconds", 0, 0), orDefault(p, "periodSeconds", 10, 1),
                orDefault(p, "timeoutSeconds", 1, 1), (int) success, (int) orDefault(p, "failureThreshold", 3, 1), grace);
    }

    static Lifecycle lifecycle(Field l, Map<String, Integer> ports) {
        l.onlyKeys(Field.keys("postStart", "preStop"), Field.keys("stopSignal"));
        return new Lifecycle(l.has("postStart") ? hook(l.get("postStart"), ports) : null,
                l.has("preStop") ? hook(l.get("preStop"), ports) : null);
    }

    private static Action hook(Field h, Map<String, Integer> ports) {
        h.onlyKeys(Field.keys("exec", "httpGet", "sleep"), Field.keys("tcpSocket"));
        return handler(h, ports, true);
    }

    /** The one handler of a probe or hook. */
    private static Action handler(Field f, Map<String, Integer> ports, boolean hook) {
        List<String> given = Set.of("exec", "httpGet", "tcpSocket", "sleep").stream().filter(f::has).sorted().toList();
        if (given.isEmpty()) {
            throw f.error("needs a handler: one of exec, httpGet, " + (hook ? "sleep" : "tcpSocket"));
        }
        if (given.size() > 1) {
            throw f.error("has " + given + ": give exactly one handler");
        }
        Field h = f.get(given.get(0));
        switch (given.get(0)) {
            case "exec": {
                h.onlyKeys(Field.keys("command"), Set.of());
                List<String> command = h.strings("command");
                if (command == null || command.isEmpty()) {
                    throw h.get("command").error("required: the command to run in the container (exit 0 is success)");
                }
                return new Action.Exec(List.copyOf(command));
            }
            case "httpGet": {
                h.onlyKeys(Field.keys("path", "port", "host", "scheme", "httpHeaders"), Set.of());
                String scheme = h.string("scheme", "HTTP");
                if (!scheme.equals("HTTP")) {
                    throw h.get("scheme").error("\"" + scheme + "\" is not supported by podshim: use HTTP");
                }
                String path = h.string("path", "/");
                List<Action.Header> headers = h.list("httpHeaders", e -> {
                    e.onlyKeys(Field.keys("name", "value"), Set.of());
                    return new Action.Header(e.string("name"), e.string("value", ""));
                });
                return new Action.HttpGet(host(h), port(h, ports), path.startsWith("/") ? path : "/" + path, headers);
            }
            case "tcpSocket":
                h.onlyKeys(Field.keys("port", "host"), Set.of());
                return new Action.TcpSocket(host(h), port(h, ports));
            default: {
                h.onlyKeys(Field.keys("seconds"), Set.of());
                Long seconds = h.nonNegative("seconds");
                if (seconds == null) {
                    throw h.get("seconds").error("required: how long to sleep");
                }
                return new Action.Sleep(seconds);
            }
        }
    }

    /** The pod's own loopback unless an IPv4 address is given: a pod here has no other network to reach. */
    private static String host(Field h) {
        String host = h.string("host", LOOPBACK);
        if (host.equals("localhost")) {
            return LOOPBACK;
        }
        if (!IPV4.matcher(host).matches()) {
            throw h.get("host").error("\"" + host + "\" is not an IPv4 address: probes run in the pod's own network"
                    + " namespace, where no name is resolved; leave it unset for the pod's loopback");
        }
        return host;
    }

    private static int port(Field h, Map<String, Integer> ports) {
        if (!h.has("port")) {
            throw h.get("port").error("required: a number (1-65535) or the name of one of the container's ports");
        }
        Field p = h.get("port");
        Long number = p.integerOrNull();
        if (number == null) {
            Integer named = ports.get(p.text());
            if (named == null) {
                throw p.error("no port named \"" + p.text() + "\" in the container's ports" + (ports.isEmpty() ? ""
                        : " (named: " + new java.util.TreeSet<>(ports.keySet()) + ")"));
            }
            return named;
        }
        if (number < 1 || number > 65535) {
            throw p.error(number + " is not a port: use 1-65535");
        }
        return number.intValue();
    }

    /** Kubernetes defaults a 0 (or unset) field; below {@code minimum} otherwise is an error. */
    private static long orDefault(Field p, String key, long otherwise, long minimum) {
        Long value = p.integer(key);
        if (value == null || value == 0 && minimum > 0) {
            return otherwise;
        }
        if (value < minimum) {
            throw p.get(key).error("must be at least " + minimum);
        }
        return value;
    }
}
