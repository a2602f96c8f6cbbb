package io.podshim.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pod's place on the node's network, through CNI, as containerd and CRI-O give it: ADD of the
 * network's plugins in order when the sandbox is made (each told the one before's result), CHECK
 * when a restarted daemon takes the pod over, DEL in reverse order when the sandbox goes. What DEL
 * needs (the network as it was joined, the pod's arguments, the result) is kept in the sandbox
 * directory, written before ADD begins, so a pod is taken off the network even after a crash
 * half-way and even if the conf dir has changed since. DEL is idempotent. No two plugin calls for
 * one pod run at once.
 */
public final class PodNetwork {
    /** The pod's interface in its network namespace. */
    public static final String IFNAME = "eth0";
    private static final String CACHE = "network.json";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who joins: the pod (its uid is CNI's container id) and the ports it publishes on the node. */
    public record Attachment(String podUid, String podName, String namespace, List<PortMapping> ports) {
        public Attachment {
            ports = List.copyOf(ports);
        }
    }

    private final NetworkSettings settings;
    private final CniPlugin plugins;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public PodNetwork(NetworkSettings settings) {
        this.settings = settings;
        this.plugins = new CniPlugin(settings.binDirs(), TIMEOUT);
    }

    /** Whether pods get a network (CNI) or only their loopback (none). */
    public boolean enabled() {
        return settings.mode() == NetworkSettings.Mode.CNI;
    }

    /** The network a pod joins now: the conf dir's first, else podshim's own (with portmap if the pod publishes a port). */
    CniNetworkList current(boolean publishesPorts) {
        return CniNetworkList.first(settings.confDir()).orElseGet(() -> CniNetworkList.builtIn(settings.podSubnet(),
                settings.stateDir().resolve("cni").resolve("networks"), publishesPorts));
    }

    /**
     * ADD: the pod whose network namespace is {@code netns} joins the network. A plugin that fails
     * ends it; what the plugins before it did is for {@link #detach}, from the record written
     * before the first of them ran, as after a crash: the one way a pod leaves the network.
     */
    public NetworkStatus attach(Attachment pod, Path sandboxDir, String netns) {
        synchronized (lock(pod.podUid())) {
            CniNetworkList list = current(!pod.ports().isEmpty());
            ObjectNode cache = JSON.createObjectNode().put("containerId", pod.podUid()).put("ifName", IFNAME)
                    .put("args", args(pod));
            cache.set("network", list.toJson());
            ArrayNode ports = cache.putArray("portMappings");
            pod.ports().forEach(p -> ports.add(JSON.valueToTree(p)));
            write(sandboxDir, cache);
            CniPlugin.Call call = new CniPlugin.Call(pod.podUid(), netns, IFNAME, args(pod));
            JsonNode result = null;
            List<String> took = new ArrayList<>();
            try {
                for (ObjectNode plugin : list.plugins()) {
                    long start = System.nanoTime();
                    result = plugins.run("ADD", config(list, plugin, result, pod.ports()), call);
                    took.add(plugin.path("type").asText() + " " + (System.nanoTime() - start) / 1_000_000 + "ms");
                }
            } catch (PodException e) {
                throw PodException.unavailable("network " + list.name() + " (" + list.source() + "): " + e.getMessage());
            }
            cache.set("result", result);
            write(sandboxDir, cache);
            NetworkStatus joined = status(list.name(), result);
            return new NetworkStatus(joined.podIP(), joined.podIPs(), joined.interfaceName(), joined.network(), took);
        }
    }

    /** The network pod's sandbox {@code sandboxDir} joined, if it joined one. */
    public Optional<NetworkStatus> status(Path sandboxDir) {
        return read(sandboxDir).filter(c -> c.has("result")).map(c -> status(c.path("network").path("name").asText(), c.get("result")));
    }

    /** CHECK, for a pod taken over: each plugin says whether the pod is still as ADD left it. */
    public void check(Path sandboxDir, String netns) {
        Optional<ObjectNode> cache = read(sandboxDir);
        if (cache.isEmpty() || !cache.get().has("result")) {
            return;
        }
        ObjectNode c = cache.get();
        synchronized (lock(c.path("containerId").asText())) {
            CniNetworkList list = CniNetworkList.parse(c.path("network"), sandboxDir.resolve(CACHE).toString());
            List<PortMapping> ports = ports(c);
            CniPlugin.Call call = new CniPlugin.Call(c.path("containerId").asText(), netns, c.path("ifName").asText(), c.path("args").asText());
            for (ObjectNode plugin : list.plugins()) {
                plugins.run("CHECK", config(list, plugin, c.get("result"), ports), call);
            }
        }
    }

    /**
     * DEL, in reverse order, from what ADD kept (nothing kept: the pod never joined). {@code netns}
     * may be null once the pod's namespace is gone; the plugins still release what they hold
     * outside it (addresses, rules). What could not be undone is returned, one line each.
     */
    public List<String> detach(Path sandboxDir, String netns) {
        Optional<ObjectNode> cache = read(sandboxDir);
        if (cache.isEmpty()) {
            return List.of();
        }
        ObjectNode c = cache.get();
        synchronized (lock(c.path("containerId").asText())) {
            CniNetworkList list;
            try {
                list = CniNetworkList.parse(c.path("network"), sandboxDir.resolve(CACHE).toString());
            } catch (PodException e) {
                return List.of(e.getMessage());
            }
            CniPlugin.Call call = new CniPlugin.Call(c.path("containerId").asText(), netns, c.path("ifName").asText(), c.path("args").asText());
            List<String> problems = del(list, c.get("result"), call, ports(c));
            if (problems.isEmpty()) {
                delete(sandboxDir);
            }
            locks.remove(c.path("containerId").asText());
            return problems;
        }
    }

    private List<String> del(CniNetworkList list, JsonNode result, CniPlugin.Call call, List<PortMapping> ports) {
        List<String> problems = new ArrayList<>();
        List<ObjectNode> reversed = new ArrayList<>(list.plugins());
        java.util.Collections.reverse(reversed);
        for (ObjectNode plugin : reversed) {
            try {
                plugins.run("DEL", config(list, plugin, result, ports), call);
            } catch (PodException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    /** A plugin's configuration as the runtime hands it over: the list's name and version, prevResult, runtimeConfig. */
    private static ObjectNode config(CniNetworkList list, ObjectNode plugin, JsonNode prevResult, List<PortMapping> ports) {
        ObjectNode config = plugin.deepCopy();
        config.put("cniVersion", list.cniVersion()).put("name", list.name());
        if (prevResult != null && !prevResult.isNull()) {
            config.set("prevResult", prevResult);
        }
        if (plugin.path("capabilities").path("portMappings").asBoolean(false) && !ports.isEmpty()) {
            ArrayNode mappings = config.putObject("runtimeConfig").putArray("portMappings");
            ports.forEach(p -> mappings.addObject().put("hostPort", p.hostPort()).put("containerPort", p.containerPort())
                    .put("protocol", p.protocol()).put("hostIP", p.hostIP()));
        }
        return config;
    }

    /** CNI_ARGS as kubelet's runtimes pass them. */
    private static String args(Attachment pod) {
        return "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + pod.namespace() + ";K8S_POD_NAME=" + pod.podName()
                + ";K8S_POD_INFRA_CONTAINER_ID=" + pod.podUid() + ";K8S_POD_UID=" + pod.podUid();
    }

    private static List<PortMapping> ports(ObjectNode cache) {
        List<PortMapping> ports = new ArrayList<>();
        for (JsonNode p : cache.path("portMappings")) {
            ports.add(new PortMapping(p.path("hostPort").asInt(), p.path("containerPort").asInt(), p.path("protocol").asText(),
                    p.path("hostIP").asText("")));
        }
        return ports;
    }

    /** The pod's addresses from a CNI result (IPv4 first, as Kubernetes lists podIPs) and its interface. */
    static NetworkStatus status(String network, JsonNode result) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        String ifName = IFNAME;
        for (JsonNode ip : result.path("ips")) {
            String address = ip.path("address").asText();
            String bare = address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
            (bare.contains(":") ? v6 : v4).add(bare);
            if (ip.has("interface")) {
                ifName = result.path("interfaces").path(ip.path("interface").asInt()).path("name").asText(ifName);
            }
        }
        List<String> all = new ArrayList<>(v4);
        all.addAll(v6);
        return new NetworkStatus(all.isEmpty() ? null : all.get(0), all, ifName, network, List.of());
    }

    private Object lock(String podUid) {
        return locks.computeIfAbsent(podUid, u -> new Object());
    }

    private static Optional<ObjectNode> read(Path sandboxDir) {
        Path file = sandboxDir.resolve(CACHE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of((ObjectNode) JSON.readTree(file.toFile()));
        } catch (IOException | ClassCastException e) {
            throw PodException.invalid("read " + file + ": " + e.getMessage());
        }
    }

    private static void write(Path sandboxDir, ObjectNode cache) {
        Path file = sandboxDir.resolve(CACHE);
        Path temporary = sandboxDir.resolve(CACHE + ".tmp");
        try {
            JSON.writeValue(temporary.toFile(), cache);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PodException("write " + file + ": " + e, e);
        }
    }

    private static void delete(Path sandboxDir) {
        try {
            Files.deleteIfExists(sandboxDir.resolve(CACHE));
        } catch (IOException e) {
            // the sandbox directory goes as a whole
        }
    }
}
