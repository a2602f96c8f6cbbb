package io.podshim.runtime.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.FileTrees;
import io.podshim.runtime.cli.ApiClient;
import io.podshim.runtime.container.BusyboxImage;
import io.podshim.runtime.daemon.DaemonProcess;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.ImportProgress;
import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The live page in a real browser (Debian's chromium), against a real daemon process serving it
 * with {@code --ui}: what the page draws is read from its DOM and checked against the API
 * ({@code ns}, the pod's states and events). Screenshots land in {@code target/ui-screenshots};
 * README's picture is one of them. Tagged {@code browser}: the cgroup v2 VM rung leaves it out
 * (an emulated chromium would take most of its hour), the host rung runs it.
 */
@HostTest
@Tag("browser")
class UiBrowserHostTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path SCREENSHOTS = Path.of("target/ui-screenshots");
    private static final Set<String> SHARED = Set.of("net", "ipc", "uts", "pid");

    private HostSnapshot before;
    private Path base;
    private List<String> daemonArgs;
    private final List<DaemonProcess> daemons = new ArrayList<>();
    private Browser browser;
    private String url;

    @BeforeAll
    static void aBrowser() {
        String why = Browser.missing();
        if (why != null && "1".equals(System.getenv("PODSHIM_REQUIRE_HOST_TESTS"))) {
            throw new IllegalStateException("PODSHIM_REQUIRE_HOST_TESTS=1 but the browser tests cannot run: " + why);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, why);
    }

    @BeforeEach
    void daemonAndBrowser() throws Exception {
        before = HostSnapshot.take();
        String id = UUID.randomUUID().toString().substring(0, 8);
        base = Path.of("/run/podshim-test-" + id);
        new ImageStore(base.resolve("images")).importImage(BusyboxImage.create(base.resolve("busybox")), "busybox:local",
                ImportProgress.NONE);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // the same port again after a restart: the open page must find it there
        }
        daemonArgs = List.of("--socket", base.resolve("podshim.sock").toString(), "--state", base.resolve("state").toString(),
                "--logs", base.resolve("logs").toString(), "--store", base.resolve("images").toString(), "--cgroup-root",
                "podshim-test-" + id, "--backoff", "100ms:400ms", "--network", "none", "--cri-socket", "none", "--ui",
                "127.0.0.1:" + port);
        DaemonProcess daemon = daemon();
        url = daemon.output().stream().filter(l -> l.contains("the pods' page is at ")).findFirst().orElseThrow()
                .replaceFirst(".*the pods' page is at ", "");
        browser = new Browser();
    }

    @AfterEach
    void nothingLeft() throws Exception {
        JsonNode pageErrors = null;
        try {
            if (browser != null) {
                pageErrors = browser.pageErrors();
            }
        } finally {
            // Whatever failed before, the browser and every daemon go (a daemon left running keeps its pods).
            try {
                if (browser != null) {
                    browser.close();
                }
            } finally {
                for (DaemonProcess d : daemons) {
                    d.close();
                }
                FileTrees.delete(base);
            }
        }
        HostSnapshot.takeAndCompare(before);
        assertEquals(0, pageErrors == null ? 0 : pageErrors.size(), "the page's scripts threw: " + pageErrors);
    }

    private DaemonProcess daemon() throws Exception {
        DaemonProcess d = DaemonProcess.start(List.of(), daemonArgs);
        daemons.add(d);
        return d;
    }

    private JsonNode api(String target) throws Exception {
        ApiClient.Reply r = new ApiClient(base.resolve("podshim.sock")).call("GET", target, null);
        assertEquals(200, r.status(), r.body());
        return JSON.readTree(r.body());
    }

    private void apply(String yaml) throws Exception {
        ApiClient.Reply r = new ApiClient(base.resolve("podshim.sock")).call("POST", "/v1/pods", yaml.getBytes(StandardCharsets.UTF_8));
        assertEquals(201, r.status(), r.body());
    }

    /** README's demo pod, its client kept running so the page has every container to show. */
    private static String demoPod() throws Exception {
        String demo = Files.readString(Path.of("../examples/demo-pod.yaml"));
        String kept = demo.replace("sleep 1; touch /shared/done", "sleep 3600; touch /shared/done");
        assertTrue(!kept.equals(demo), "examples/demo-pod.yaml changed: this test keeps its client running with sleep 3600");
        return kept;
    }

    @Test
    void theDemoPodsDiagramIsWhatNsSaysAndItsTimelineIsItsInitOrderAndEvents() throws Exception {
        apply(demoPod());
        assertEquals(200, browser.open(url + "#pod/default%2Fdemo"));
        browser.waitFor("document.querySelector('#pods tr[data-pod=\"default/demo\"] .status')?.textContent === 'Running'"
                + " && document.querySelectorAll('#ns-diagram g.column').length === 5");

        // The diagram: every shape's inode is the one ns gives each of its members, and each process is in one shape a row.
        JsonNode shapes = browser.eval("[...document.querySelectorAll('#ns-diagram g.ns')].map(g => ({kind: g.dataset.kind,"
                + " inode: Number(g.dataset.inode), members: g.dataset.members.split(' '), host: g.dataset.host === 'true'}))");
        JsonNode ns = api("/v1/pods/demo/namespaces?output=json");
        assertEquals(List.of("host", "pause", "log-shipper", "server", "client"), names(ns.fieldNames()));
        Map<String, Set<String>> seen = new HashMap<>();
        for (JsonNode shape : shapes) {
            String kind = shape.path("kind").asText();
            for (JsonNode member : shape.path("members")) {
                assertEquals(ns.path(member.asText()).path("namespaces").path(kind).asLong(), shape.path("inode").asLong(),
                        kind + " of " + member + " as podshim ns reads it");
                assertTrue(seen.computeIfAbsent(kind, k -> new HashSet<>()).add(member.asText()), member + " twice in " + kind);
            }
            assertEquals(shape.path("inode").asLong() == ns.path("host").path("namespaces").path(kind).asLong(),
                    shape.path("host").asBoolean(), "grey is the host's, and only the host's: " + shape);
        }
        seen.values().forEach(members -> assertEquals(5, members.size(), "every process in every row: " + seen));
        for (JsonNode shape : shapes) {
            String kind = shape.path("kind").asText();
            List<String> members = names(shape.path("members").elements());
            if (SHARED.contains(kind) && members.contains("pause")) {
                assertEquals(List.of("pause", "log-shipper", "server", "client"), members, kind + " is one shape for the whole pod");
            }
            if (kind.equals("mnt") && !members.contains("host")) {
                assertEquals(1, members.size(), "each container has a mount namespace of its own: " + shape);
            }
        }

        // The timeline: every run where the pod's states put it, the init containers one after the other, then the rest.
        JsonNode runs = browser.eval("[...document.querySelectorAll('#timeline g.run')].map(g => ({container: g.dataset.container,"
                + " start: Number(g.dataset.start), end: Number(g.dataset.end) || null, reason: g.dataset.reason}))");
        Map<String, JsonNode> run = new HashMap<>();
        runs.forEach(r -> assertTrue(run.put(r.path("container").asText(), r) == null, "one run each: " + runs));
        assertEquals(Set.of("write-config", "check-config", "log-shipper", "server", "client"), run.keySet());
        assertEquals("Completed", run.get("write-config").path("reason").asText());
        assertEquals("Completed", run.get("check-config").path("reason").asText());
        assertTrue(run.get("write-config").path("end").asLong() <= run.get("check-config").path("start").asLong(), runs.toString());
        assertTrue(run.get("check-config").path("end").asLong() <= run.get("log-shipper").path("start").asLong(), runs.toString());
        for (String app : List.of("server", "client")) {
            assertEquals("Running", run.get(app).path("reason").asText());
            assertTrue(run.get("log-shipper").path("start").asLong() <= run.get(app).path("start").asLong(), runs.toString());
        }
        JsonNode pod = api("/v1/pods/demo");
        List<JsonNode> statuses = new ArrayList<>();
        pod.path("status").path("initContainerStatuses").forEach(statuses::add);
        pod.path("status").path("containerStatuses").forEach(statuses::add);
        for (JsonNode s : statuses) {
            JsonNode state = s.path("state").has("running") ? s.path("state").path("running") : s.path("state").path("terminated");
            Instant drawn = Instant.ofEpochMilli(run.get(s.path("name").asText()).path("start").asLong());
            assertEquals(state.path("startedAt").asText(), drawn.truncatedTo(ChronoUnit.SECONDS).toString(),
                    s.path("name").asText() + " starts on the timeline when its state says");
        }
        JsonNode marks = browser.eval("[...document.querySelectorAll('#timeline .mark')].map(m => m.dataset.reason + ' ' + m.dataset.object)");
        TreeSet<String> events = new TreeSet<>();
        api("/v1/pods/demo/events").path("items").forEach(e -> events.add(e.path("reason").asText() + " "
                + e.path("involvedObject").path("fieldPath").asText("pod").replaceFirst(".*\\{(.*)}", "$1")));
        assertEquals(events, new TreeSet<>(names(marks.elements())), "a mark for each event, on its container's lane");

        // The picture README shows, once every running container's charts have a line (two readings).
        browser.waitFor("document.querySelectorAll('#containers figure[data-chart=\"cpu\"] path').length === 3");
        browser.screenshot(SCREENSHOTS.resolve("demo-pod.png"), "#pod");
    }

    @Test
    void aContainerKilledByOomShowsOomKilledOnItsBarAndAppearsWithoutAReload() throws Exception {
        assertEquals(200, browser.open(url));
        browser.waitFor("!document.getElementById('no-pods').hidden");
        browser.eval("window.loadedOnce = true");
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: hog}
                spec:
                  initContainers:
                  - {name: prepare, image: busybox:local, command: ["true"]}
                  containers:
                  - name: hog
                    image: busybox:local
                    command: [dd, if=/dev/zero, of=/dev/null, bs=64M, count=1]
                    resources: {limits: {memory: 32Mi}}
                """);
        JsonNode bar = browser.waitFor("(() => { const g = document.querySelector('#timeline g.run[data-container=\"hog\"]"
                + "[data-reason=\"OOMKilled\"]'); return g && {exit: g.dataset.exitCode, text: g.textContent}; })()");
        assertEquals("137", bar.path("exit").asText());
        assertTrue(bar.path("text").asText().contains("OOMKilled (137)"), bar.toString());
        assertEquals(true, browser.eval("window.loadedOnce === true").asBoolean(), "the pod came to the open page: no reload");
        JsonNode hog = api("/v1/pods/hog").path("status").path("containerStatuses").path(0);
        JsonNode ended = hog.path("state").has("terminated") ? hog.path("state").path("terminated") : hog.path("lastState").path("terminated");
        assertEquals("OOMKilled", ended.path("reason").asText(), "as the API says it: " + hog);

        // Restarted after its back-off (restartPolicy Always): each run a bar of its own, the back-off hatched between.
        JsonNode lane = browser.waitFor("(() => { const runs = document.querySelectorAll('#timeline g.run[data-container=\"hog\"]');"
                + " const waits = document.querySelectorAll('#timeline rect.wait[data-container=\"hog\"][data-reason=\"CrashLoopBackOff\"]');"
                + " return runs.length >= 2 && waits.length >= 1 && {runs: runs.length, waits: waits.length}; })()");
        assertTrue(lane.path("runs").asInt() >= 2, lane.toString());
        browser.screenshot(SCREENSHOTS.resolve("oom-killed-timeline.png"), "#timeline");
    }

    @Test
    void thePageKeepsWorkingWhenTheDaemonIsKilledAndStartedAgain() throws Exception {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"]}]
                """);
        assertEquals(200, browser.open(url + "#pod/default%2Fweb"));
        String pause = browser.waitFor("document.querySelector('#pods tr[data-pod=\"default/web\"] .status')?.textContent === 'Running'"
                + " && document.querySelector('#ns-diagram g.column[data-name=\"pause\"]')?.dataset.pid").asText();
        assertEquals(api("/v1/pods/web").path("metadata").path("annotations").path("podshim.io/pause-pid").asText(), pause);

        daemons.get(0).kill();
        JsonNode banner = browser.waitFor("!document.getElementById('connection').hidden && document.getElementById('connection').textContent");
        assertTrue(banner.asText().startsWith("The daemon does not answer"), banner.toString());

        DaemonProcess again = daemon();
        assertTrue(again.output().stream().anyMatch(l -> l.contains("took over pod web")), again.output().toString());
        long restarted = System.currentTimeMillis();
        browser.waitFor("document.getElementById('connection').hidden && Number(document.body.dataset.refreshed) > " + restarted);
        assertEquals(pause, browser.waitFor("document.querySelector('#ns-diagram g.column[data-name=\"pause\"]')?.dataset.pid").asText(),
                "the same sandbox, taken over, on the same page");
    }

    private static List<String> names(java.util.Iterator<?> items) {
        List<String> out = new ArrayList<>();
        items.forEachRemaining(i -> out.add(i instanceof JsonNode n ? n.asText() : String.valueOf(i)));
        return out;
    }
}
