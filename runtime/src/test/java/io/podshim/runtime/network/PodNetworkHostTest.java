package io.podshim.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.FileTrees;
import io.podshim.runtime.cli.ApiClient;
import io.podshim.runtime.container.BusyboxImage;
import io.podshim.runtime.daemon.DaemonProcess;
import io.podshim.runtime.daemon.PodWatchWait;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.ImportProgress;
import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import io.podshim.testing.Patience;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Pods on a real CNI network (Debian's containernetworking-plugins: bridge, host-local, portmap),
 * never the machine's own: each test makes a network namespace that stands for the node and runs
 * the daemon in it (nsenter), so the bridge, the veths and the iptables rules live there and go
 * with it. Checked after each test, inside it: no veth, no lease, no CNI rule of a pod is left.
 */
@HostTest
@Tag("network") // the cgroup v2 VM rung leaves it out: its subject does not depend on the cgroup version (vm/run.sh)
class PodNetworkHostTest {
    private static final Duration PATIENCE = Patience.of(Duration.ofSeconds(60));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBNET = "10.93.0.0/24";
    private static final String GATEWAY = "10.93.0.1";

    private Path base;
    private String node;
    private String cgroupRoot;
    private HostSnapshot before;
    private final List<DaemonProcess> daemons = new ArrayList<>();

    @BeforeAll
    static void plugins() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String plugin : List.of("bridge", "host-local", "portmap")) {
            if (NetworkSettings.DEFAULT_BIN_DIRS.stream().noneMatch(d -> Files.isExecutable(d.resolve(plugin)))) {
                missing.add(plugin);
            }
        }
        for (String tool : List.of("/usr/sbin/ip", "/usr/bin/nsenter", "/usr/sbin/iptables", "/bin/busybox")) {
            if (!Files.isExecutable(Path.of(tool))) {
                missing.add(tool);
            }
        }
        String why = missing.isEmpty() ? null : "missing " + missing + ": apt-get install containernetworking-plugins iproute2"
                + " iptables busybox-static (.ci/run does)";
        if (why != null && "1".equals(System.getenv("PODSHIM_REQUIRE_HOST_TESTS"))) {
            throw new IllegalStateException("PODSHIM_REQUIRE_HOST_TESTS=1 but the network tests cannot run: " + why);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, why);
        // The first `ip netns add` of a boot mounts /run/netns for good (iproute2's own, shared): done
        // here, before any test takes its snapshot of the mount table, so it is not taken for a leak.
        String warmUp = "podshim-test-" + UUID.randomUUID().toString().substring(0, 8);
        run("ip", "netns", "add", warmUp);
        run("ip", "netns", "del", warmUp);
    }

    @BeforeEach
    void node() throws Exception {
        before = HostSnapshot.take();
        String id = UUID.randomUUID().toString().substring(0, 8);
        base = Path.of("/run/podshim-test-" + id);
        cgroupRoot = "podshim-test-" + id;
        node = "podshim-test-" + id;
        new ImageStore(base.resolve("images")).importImage(BusyboxImage.create(base.resolve("busybox")), "busybox:local",
                ImportProgress.NONE);
        run("ip", "netns", "add", node);
        run("ip", "-n", node, "link", "set", "lo", "up");
        Files.createDirectories(base.resolve("cni-conf"));
    }

    @AfterEach
    void nothingLeft() throws Exception {
        try {
            for (DaemonProcess d : daemons) {
                d.close();
            }
            if (Files.isDirectory(base.resolve("state/cni/networks/podshim"))) {
                try (Stream<Path> leases = Files.list(base.resolve("state/cni/networks/podshim"))) {
                    assertEquals(List.of(), leases.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9.]+")).toList(),
                            "host-local leases left");
                }
            }
            assertEquals(List.of(), veths(), "veths left in the node's namespace");
            // portmap's own chains (CNI-HOSTPORT-*) stay, as on any node; a pod's chains (its masquerade, its DNAT) must go.
            String nat = run("ip", "netns", "exec", node, "iptables", "-t", "nat", "-S");
            assertFalse(nat.lines().anyMatch(l -> l.matches(".*CNI-(DN-)?[0-9a-f]{20,}.*") || l.contains("id: \"")),
                    "a pod's CNI rules left:\n" + nat);
        } finally {
            run("ip", "netns", "del", node);
            FileTrees.delete(base);
            HostSnapshot.takeAndCompare(before);
        }
    }

    private DaemonProcess daemon(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--socket", base.resolve("podshim.sock").toString(), "--state",
                base.resolve("state").toString(), "--logs", base.resolve("logs").toString(), "--store", base.resolve("images").toString(),
                "--cgroup-root", cgroupRoot, "--backoff", "100ms:400ms", "--network", "cni", "--cni-conf-dir",
                base.resolve("cni-conf").toString(), "--pod-subnet", SUBNET));
        args.addAll(List.of(more));
        DaemonProcess d = DaemonProcess.start(List.of("nsenter", "--net=/run/netns/" + node), args);
        daemons.add(d);
        return d;
    }

    private ApiClient api() {
        return new ApiClient(base.resolve("podshim.sock"));
    }

    private void apply(String yaml) throws IOException {
        ApiClient.Reply r = api().call("POST", "/v1/pods", yaml.getBytes(StandardCharsets.UTF_8));
        assertEquals(201, r.status(), r.body());
    }

    private JsonNode pod(String name) throws IOException {
        ApiClient.Reply r = api().call("GET", "/v1/pods/" + name, null);
        assertEquals(200, r.status(), r.body());
        return JSON.readTree(r.body());
    }

    /** The pod's status once {@code until} holds for it, on the daemon's watch (bounded: a guard against hanging, not a timing assertion). */
    private JsonNode await(String name, Predicate<JsonNode> until) throws Exception {
        try {
            return PodWatchWait.until(base.resolve("podshim.sock"), name, until, PATIENCE);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nthe daemons printed: " + daemons.stream().map(DaemonProcess::output).toList(), e);
        }
    }

    /** kubectl's STATUS word, which podshim gives under an annotation. */
    private static String display(JsonNode pod) {
        return pod.path("metadata").path("annotations").path("podshim.io/status").asText();
    }

    /** The status ("True", "False") of the pod's condition {@code type}. */
    private static String condition(JsonNode pod, String type) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c.path("status").asText();
            }
        }
        return "missing";
    }

    /** The pod's events, as a list of v1 Events. */
    private JsonNode events(JsonNode pod) {
        try {
            ApiClient.Reply r = api().call("GET", "/v1/pods/" + pod.path("metadata").path("name").asText() + "/events", null);
            assertEquals(200, r.status(), r.body());
            return JSON.readTree(r.body()).path("items");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean running(JsonNode pod) {
        return display(pod).equals("Running");
    }

    private void delete(String name) throws IOException {
        assertEquals(200, api().call("DELETE", "/v1/pods/" + name + "?gracePeriod=0", null).status());
    }

    private void awaitGone(String name) throws Exception {
        PodWatchWait.gone(base.resolve("podshim.sock"), name, PATIENCE);
    }

    private String exec(String pod, String... argv) throws IOException {
        StringBuilder query = new StringBuilder();
        for (String arg : argv) {
            query.append(query.length() == 0 ? "?" : "&").append("command=")
                    .append(java.net.URLEncoder.encode(arg, StandardCharsets.UTF_8));
        }
        ApiClient.Reply r = api().call("POST", "/v1/pods/" + pod + "/exec" + query, new byte[0]);
        assertEquals(200, r.status(), r.body());
        JsonNode result = JSON.readTree(r.body());
        assertEquals(0, result.path("exitCode").asInt(), r.body());
        return result.path("stdout").asText();
    }

    /** A pod serving "from NAME" over HTTP on port 8080, optionally published on the node at {@code hostPort}. */
    private static String webPod(String name, Integer hostPort) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  containers:
                  - name: web
                    image: busybox:local
                    command: [sh, -c, "mkdir -p /www && echo from %s > /www/index.html && exec httpd -f -p 8080 -h /www"]
                    ports: [{containerPort: 8080%s}]
                """.formatted(name, name, hostPort == null ? "" : ", hostPort: " + hostPort);
    }

    @Test
    void twoPodsTalkOverTheirIpsAndEachKnowsItsOwn() throws Exception {
        daemon();
        apply(webPod("web", null));
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: client}
                spec:
                  containers:
                  - name: c
                    image: busybox:local
                    command: [sleep, "3600"]
                    env:
                    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                    - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
                """);
        JsonNode web = await("web", PodNetworkHostTest::running);
        JsonNode client = await("client", PodNetworkHostTest::running);
        String webIP = web.path("status").path("podIP").asText();
        String clientIP = client.path("status").path("podIP").asText();
        assertTrue(webIP.startsWith("10.93.0.") && clientIP.startsWith("10.93.0.") && !webIP.equals(clientIP), webIP + " " + clientIP);
        assertEquals(List.of(java.util.Map.of("ip", webIP)), JSON.convertValue(web.path("status").path("podIPs"), List.class));
        assertEquals(GATEWAY, web.path("status").path("hostIP").asText(), "the node's address: its bridge, the only interface it has here");
        assertEquals("True", condition(web, "PodReadyToStartContainers"));
        assertTrue(events(web).toString().matches(".*eth0 " + java.util.regex.Pattern.quote(webIP)
                + " on network podshim \\(ADD: bridge \\d+ms\\).*"), "each plugin's time (no portmap without a hostPort): "
                + events(web));

        // The interface and the address are in the pod's own network namespace, as the pod sees it.
        assertTrue(exec("client", "ip", "-o", "-4", "addr", "show", "eth0").contains(clientIP + "/24"));
        assertEquals(clientIP + " " + GATEWAY, exec("client", "sh", "-c", "echo $POD_IP $HOST_IP").strip(),
                "the downward API gives the pod its own address and the node's");
        assertEquals("from web", exec("client", "wget", "-qO-", "http://" + webIP + ":8080/").strip(), "pod to pod, by IP");
        assertTrue(exec("web", "cat", "/etc/hosts").contains(webIP + "\tweb\n"), "kubelet's /etc/hosts: the pod's IP and name");
        assertTrue(exec("client", "ip", "route").contains("default via " + GATEWAY), "the bridge is the pods' gateway");
        assertTrue(exec("client", "ping", "-c", "1", "-W", "5", GATEWAY).contains("1 packets received"), "and the node answers there");
        String ns = api().call("GET", "/v1/pods/web/namespaces?output=table", null).body();
        assertTrue(ns.endsWith("net: eth0 " + webIP + " in the pod's own namespace\n"), "the ns table says what is in the net namespace: " + ns);

        delete("web");
        delete("client");
        awaitGone("web");
        awaitGone("client");
    }

    @Test
    void aHostPortAnswersFromTheNodeAndAHostNetworkPodSeesTheNodesInterfaces() throws Exception {
        run("ip", "-n", node, "link", "add", "podshimtest0", "type", "bridge"); // an interface of the node only
        daemon();
        apply(webPod("published", 18080));
        JsonNode published = await("published", PodNetworkHostTest::running);
        assertTrue(events(published).toString().matches(".*\\(ADD: bridge \\d+ms, portmap \\d+ms\\).*"),
                "portmap for the pod that publishes a port: " + events(published));
        // From the node's namespace, to one of its own addresses: portmap's DNAT takes it to the pod.
        String answer = awaitCommand(() -> run("nsenter", "--net=/run/netns/" + node, "/bin/busybox", "wget", "-qO-",
                "http://" + GATEWAY + ":18080/"));
        assertEquals("from published", answer.strip());
        assertTrue(run("ip", "netns", "exec", node, "iptables", "-t", "nat", "-S").contains("--dport 18080"));

        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: on-node}
                spec:
                  hostNetwork: true
                  containers: [{name: c, image: busybox:local, command: [sleep, "3600"]}]
                """);
        JsonNode onNode = await("on-node", PodNetworkHostTest::running);
        assertEquals(GATEWAY, onNode.path("status").path("podIP").asText(), "a hostNetwork pod's IP is the node's");
        String links = exec("on-node", "cat", "/proc/net/dev");
        assertTrue(links.contains("podshimtest0") && links.contains("podshim0"), "the node's interfaces: " + links);
        assertFalse(exec("published", "cat", "/proc/net/dev").contains("podshimtest0"), "a pod's own namespace has no node interface");

        delete("published");
        delete("on-node");
        awaitGone("published");
        awaitGone("on-node");
        assertFalse(run("ip", "netns", "exec", node, "iptables", "-t", "nat", "-S").contains("--dport 18080"), "the hostPort's rule went");
    }

    @Test
    void twentyPodsGetTwentyAddressesAllReleasedOnDelete() throws Exception {
        daemon();
        for (int i = 0; i < 20; i++) {
            apply("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: p%d}
                    spec:
                      containers: [{name: c, image: busybox:local, command: [sleep, "3600"]}]
                    """.formatted(i));
        }
        Set<String> ips = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ips.add(await("p" + i, PodNetworkHostTest::running).path("status").path("podIP").asText());
        }
        assertEquals(20, ips.size(), "distinct addresses: " + ips);
        assertEquals(20, veths().size());
        for (int i = 0; i < 20; i++) {
            delete("p" + i);
        }
        for (int i = 0; i < 20; i++) {
            awaitGone("p" + i);
        }
    }

    @Test
    void aNetworkThatFailsLeavesThePodPendingWithItsReasonAndNothingBehindUntilATryWorks() throws Exception {
        Path broken = base.resolve("cni-conf/10-broken.conflist");
        Files.writeString(broken, """
                {"cniVersion": "1.0.0", "name": "broken", "plugins": [
                  {"type": "bridge", "bridge": "broken0", "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.94.0.0/24"}]],
                   "dataDir": "%s"}},
                  {"type": "no-such-plugin"}]}
                """.formatted(base.resolve("broken-leases")));
        daemon();
        apply(webPod("doomed", null));
        // As kubelet: the pod exists, Pending, and its events say why its sandbox could not be made, again at each try.
        JsonNode pending = await("doomed", p -> failedSandbox(p).path("count").asInt() >= 2);
        String message = failedSandbox(pending).path("message").asText();
        assertTrue(message.startsWith("Failed to create pod sandbox: ") && message.contains("network broken (" + broken + ")")
                && message.contains("CNI plugin \"no-such-plugin\" is not in"), message);
        assertEquals("Pending", pending.path("status").path("phase").asText());
        assertEquals("ContainerCreating", display(pending));
        assertEquals("False", condition(pending, "PodReadyToStartContainers"), pending.toString());
        assertTrue(pending.path("status").path("podIP").isMissingNode() || pending.path("status").path("podIP").isNull(), pending.toString());
        // The next try after the conf dir is mended works: the network now is podshim's own.
        Files.delete(broken);
        JsonNode up = await("doomed", PodNetworkHostTest::running);
        assertTrue(up.path("status").path("podIP").asText().startsWith("10.93.0."), up.toString());
        try (Stream<Path> sandboxes = Files.list(base.resolve("state/sandboxes"))) {
            assertEquals(List.of(up.path("metadata").path("uid").asText()), sandboxes.map(p -> p.getFileName().toString()).toList(),
                    "the failed tries left no sandbox");
        }
        try (Stream<Path> leases = Files.list(base.resolve("broken-leases/broken"))) {
            assertEquals(List.of(), leases.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9.]+")).toList(),
                    "every failed try released the bridge's lease");
        }
        assertEquals(1, veths().size(), "the running pod's veth, none of a failed try: " + veths());
        delete("doomed");
        awaitGone("doomed");
    }

    @Test
    void aSlowPluginHoldsUpOnlyItsOwnPodAndADeleteMeanwhileRemovesWhatItMade() throws Exception {
        // A plugin of the test's own, first in the list: its ADD blocks until the test writes to a fifo.
        Path bin = Files.createDirectories(base.resolve("cni-bin"));
        Path gate = base.resolve("gate");
        run("mkfifo", gate.toString());
        Files.writeString(bin.resolve("podshim-test-gate"), """
                #!/bin/sh
                cat >/dev/null
                if [ "$CNI_COMMAND" = ADD ]; then
                  touch %1$s.entered
                  read -r _ < %1$s
                fi
                echo '{"cniVersion": "1.0.0"}'
                """.formatted(gate));
        run("chmod", "755", bin.resolve("podshim-test-gate").toString());
        Files.writeString(base.resolve("cni-conf/10-gated.conflist"), """
                {"cniVersion": "1.0.0", "name": "gated", "plugins": [
                  {"type": "podshim-test-gate"},
                  {"type": "bridge", "bridge": "gated0", "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.95.0.0/24"}]],
                   "dataDir": "%s"}}]}
                """.formatted(base.resolve("gated-leases")));
        daemon("--cni-bin-dir", bin + ":" + String.join(":", NetworkSettings.DEFAULT_BIN_DIRS.stream().map(Path::toString).toList()));
        java.util.concurrent.CompletableFuture<Void> applied = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                apply(webPod("held", null));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitFile(Path.of(gate + ".entered"));
        JsonNode creating = pod("held");
        assertEquals("ContainerCreating", display(creating), "listed while its sandbox is made: " + creating);
        // Meanwhile the daemon goes on: a hostNetwork pod needs no plugin and starts.
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: free}
                spec:
                  hostNetwork: true
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"]}]
                """);
        await("free", PodNetworkHostTest::running);
        java.util.concurrent.CompletableFuture<ApiClient.Reply> deleted = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return api().call("DELETE", "/v1/pods/held?gracePeriod=0", null);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await("held", p -> display(p).equals("Terminating"));
        Files.writeString(gate, "open\n"); // the ADD goes on; what it made is removed whole
        applied.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, deleted.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).status());
        awaitGone("held");
        try (Stream<Path> leases = Files.list(base.resolve("gated-leases/gated"))) {
            assertEquals(List.of(), leases.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9.]+")).toList(),
                    "the deleted pod's lease was released");
        }
        assertEquals(List.of(), veths(), "the deleted pod's veth went");
        delete("free");
        awaitGone("free");
    }

    private static void awaitFile(Path file) throws Exception {
        io.podshim.testing.FileWait.appears(file, PATIENCE);
    }

    /** The pod's FailedCreatePodSandBox event, or a missing node. */
    private JsonNode failedSandbox(JsonNode pod) {
        for (JsonNode e : events(pod)) {
            if (e.path("reason").asText().equals("FailedCreatePodSandBox")) {
                return e;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void aKilledDaemonStartedAgainKeepsEveryPodsAddress() throws Exception {
        DaemonProcess first = daemon();
        apply(webPod("steady", null));
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: asker}
                spec:
                  containers: [{name: c, image: busybox:local, command: [sleep, "3600"]}]
                """);
        String ip = await("steady", PodNetworkHostTest::running).path("status").path("podIP").asText();
        await("asker", PodNetworkHostTest::running);
        assertEquals(137, first.kill());
        daemon();
        JsonNode taken = await("steady", PodNetworkHostTest::running);
        assertEquals(ip, taken.path("status").path("podIP").asText(), "the address survives the daemon");
        assertFalse(events(taken).toString().contains("NetworkNotReady"), "CHECK found the pod as ADD left it: "
                + events(taken));
        assertEquals("from steady", exec("asker", "wget", "-qO-", "http://" + ip + ":8080/").strip(), "and it still answers there");
        delete("steady");
        delete("asker");
        awaitGone("steady");
        awaitGone("asker");
    }

    /**
     * A daemon killed after ADD but before the pod's record (here: the record removed behind its
     * back, as if never written): the next daemon removes the half-made sandbox, and DEL, from what
     * ADD kept beside it, releases the address, the veth and the rules (checked after the test).
     */
    @Test
    void aSandboxHalfMadeWhenTheDaemonDiedIsTakenOffTheNetwork() throws Exception {
        DaemonProcess first = daemon();
        apply(webPod("orphan", 18081));
        String uid = await("orphan", PodNetworkHostTest::running).path("metadata").path("uid").asText();
        assertEquals(1, veths().size());
        assertEquals(137, first.kill());
        Path sandbox = base.resolve("state/sandboxes").resolve(uid);
        Files.delete(sandbox.resolve("pod.json"));
        assertTrue(Files.exists(sandbox.resolve("network.json")), "what DEL needs was kept beside the sandbox");
        DaemonProcess second = daemon();
        assertTrue(second.output().stream().anyMatch(l -> l.contains("removed the sandbox of pod uid " + uid)), second.output().toString());
        assertFalse(Files.exists(sandbox), "the half-made sandbox is gone");
        assertEquals(404, api().call("GET", "/v1/pods/orphan", null).status());
    }

    /** The veths in the node's namespace (a pod's host side of its interface). */
    private List<String> veths() throws IOException, InterruptedException {
        return run("ip", "-n", node, "-o", "link", "show", "type", "veth").lines().filter(l -> !l.isBlank()).toList();
    }

    @FunctionalInterface
    private interface Attempt {
        String get() throws Exception;
    }

    /** Tries {@code attempt} until it succeeds (bounded): a server starts listening on its own time. */
    private static String awaitCommand(Attempt attempt) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                return attempt.get();
            } catch (IllegalStateException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.onSpinWait();
            }
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
        return out;
    }
}
