package io.podshim.runtime;

import io.podshim.runtime.daemon.Daemon;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code podshim daemon [--socket PATH] [--socket-group GROUP] [--state DIR] [--logs DIR] [--store DIR]
 * [--manifests DIR] [--cgroup-root NAME] [--backoff INITIAL:MAX] [--network cni|none] [--cni-conf-dir DIR]
 * [--cni-bin-dir DIR[:DIR…]] [--pod-subnet CIDR] [--cri-socket PATH|none] [--ui [HOST:]PORT]}. The CRI socket is
 * {@code cri.sock} beside the API socket unless given: a daemon on a socket of its own (a test's) never takes the
 * node's. {@code --ui} serves the live picture of the pods on a loopback port ({@link io.podshim.runtime.ui.UiServer}).
 */
final class DaemonCommand {
    private static final String USAGE = "usage: podshim daemon [--socket PATH] [--socket-group GROUP] [--state DIR]"
            + " [--logs DIR] [--store DIR] [--manifests DIR] [--cgroup-root NAME] [--backoff INITIAL:MAX (e.g. 10s:300s)]"
            + " [--network cni|none] [--cni-conf-dir DIR] [--cni-bin-dir DIR[:DIR...]] [--pod-subnet CIDR] [--node-labels K=V,…]"
            + " [--cri-socket PATH|none] [--ui [HOST:]PORT (a loopback address, e.g. 127.0.0.1:8079)]";

    private DaemonCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Daemon.Options d = Daemon.Options.defaults();
        Path socket = d.socket();
        String group = d.socketGroup();
        Path state = d.state();
        Path logs = d.logs();
        Path store = d.images();
        Path manifests = d.manifests();
        String cgroupRoot = d.cgroupRoot();
        io.podshim.runtime.pod.BackoffPolicy backoff = d.backoff();
        io.podshim.runtime.network.NetworkSettings net = d.network();
        java.util.Map<String, String> nodeLabels = new java.util.LinkedHashMap<>();
        String criSocket = null;
        java.net.InetSocketAddress ui = null;
        for (int i = 1; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                err.println("podshim daemon: " + args[i] + " needs a value");
                return 2;
            }
            switch (args[i++]) {
                case "--socket" -> socket = Path.of(value);
                case "--socket-group" -> group = value;
                case "--cri-socket" -> criSocket = value;
                case "--ui" -> {
                    ui = loopback(value);
                    if (ui == null) {
                        err.println("podshim daemon: --ui " + value + ": give PORT or HOST:PORT on a loopback address, such as 8079,"
                                + " 127.0.0.1:8079 or [::1]:8079 (0: any free port)");
                        return 2;
                    }
                }
                case "--state" -> state = Path.of(value);
                case "--logs" -> logs = Path.of(value);
                case "--store" -> store = Path.of(value);
                case "--manifests" -> manifests = Path.of(value);
                case "--cgroup-root" -> cgroupRoot = value;
                case "--network" -> {
                    if (!value.equals("cni") && !value.equals("none")) {
                        err.println("podshim daemon: --network " + value + ": give cni (pods on the CNI network) or none (loopback only)");
                        return 2;
                    }
                    net = new io.podshim.runtime.network.NetworkSettings(value.equals("cni") ? io.podshim.runtime.network.NetworkSettings.Mode.CNI
                            : io.podshim.runtime.network.NetworkSettings.Mode.NONE, net.confDir(), net.binDirs(), net.podSubnet(), net.stateDir());
                }
                case "--cni-conf-dir" -> net = new io.podshim.runtime.network.NetworkSettings(net.mode(), Path.of(value), net.binDirs(),
                        net.podSubnet(), net.stateDir());
                case "--cni-bin-dir" -> net = new io.podshim.runtime.network.NetworkSettings(net.mode(), net.confDir(),
                        java.util.Arrays.stream(value.split(":")).map(Path::of).toList(), net.podSubnet(), net.stateDir());
                case "--pod-subnet" -> {
                    if (!value.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
                        err.println("podshim daemon: --pod-subnet " + value + ": give an IPv4 CIDR block, such as 10.92.0.0/16");
                        return 2;
                    }
                    net = new io.podshim.runtime.network.NetworkSettings(net.mode(), net.confDir(), net.binDirs(), value, net.stateDir());
                }
                case "--node-labels" -> {
                    for (String pair : value.split(",")) {
                        String[] kv = pair.split("=", 2);
                        if (kv.length != 2 || kv[0].isBlank()) {
                            err.println("podshim daemon: --node-labels " + value + ": give KEY=VALUE pairs joined by commas, such as"
                                    + " disktype=ssd,zone=lab");
                            return 2;
                        }
                        nodeLabels.put(kv[0].trim(), kv[1].trim());
                    }
                }
                case "--backoff" -> {
                    String[] bounds = value.split(":");
                    try {
                        if (bounds.length != 2) {
                            throw new IllegalArgumentException("two durations");
                        }
                        backoff = new io.podshim.runtime.pod.BackoffPolicy(duration(bounds[0]), duration(bounds[1]),
                                backoff.resetAfter());
                    } catch (IllegalArgumentException e) {
                        err.println("podshim daemon: --backoff " + value + ": give INITIAL:MAX, such as 10s:300s or 100ms:2s");
                        return 2;
                    }
                }
                default -> {
                    err.println(USAGE);
                    return 2;
                }
            }
        }
        // podshim's own network keeps its files (host-local's leases) beside the daemon's state.
        net = new io.podshim.runtime.network.NetworkSettings(net.mode(), net.confDir(), net.binDirs(), net.podSubnet(), state);
        Path cri = criSocket == null ? socket.toAbsolutePath().resolveSibling("cri.sock")
                : criSocket.equals("none") ? null : Path.of(criSocket);
        Daemon.Options o = new Daemon.Options(socket, group, state, logs, store, cgroupRoot, backoff, manifests, net, nodeLabels,
                cri).withUi(ui);
        Daemon daemon;
        try {
            daemon = Daemon.start(o);
        } catch (PodException e) {
            err.println("podshim daemon: " + e.getMessage());
            return 1;
        }
        daemon.recovery().adopted().forEach(name -> out.println("podshim daemon: took over pod " + name
                + " from an earlier daemon"));
        daemon.recovery().removed().forEach((uid, why) -> out.println("podshim daemon: removed the sandbox of pod uid "
                + uid + " an earlier daemon left: " + why));
        daemon.uiUrl().ifPresent(url -> out.println("podshim daemon: the pods' page is at " + url));
        out.println("podshim daemon: listening on " + o.socket() + (cri == null ? "" : " (the CRI on " + cri + ")"));
        Thread stop = new Thread(() -> {
            try {
                daemon.close();
            } catch (Exception e) {
                err.println("podshim daemon: stop: " + e);
            }
        }, "daemon-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        daemon.join();
        return 0;
    }

    /** "8079" (127.0.0.1), "127.0.0.1:8079", "localhost:8079" or "[::1]:8079"; null for anything else. */
    static java.net.InetSocketAddress loopback(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:(\\[::1]|[0-9.]+|localhost):)?(\\d{1,5})").matcher(value);
        if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
            return null;
        }
        String host = m.group(1) == null || m.group(1).equals("localhost") ? "127.0.0.1" : m.group(1).replace("[", "").replace("]", "");
        try {
            java.net.InetAddress address = java.net.InetAddress.getByName(host);
            return address.isLoopbackAddress() ? new java.net.InetSocketAddress(address, Integer.parseInt(m.group(2))) : null;
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** "250ms", "10s" or "5m". */
    private static java.time.Duration duration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> java.time.Duration.ofMillis(n);
            case "s" -> java.time.Duration.ofSeconds(n);
            default -> java.time.Duration.ofMinutes(n);
        };
    }
}
