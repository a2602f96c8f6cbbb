package io.podshim.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.daemon.Daemon;
import io.podshim.runtime.pod.PodStatus;
import io.podshim.testing.HostTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page's server without a browser: what it answers, to whom, and what it refuses. The page
 * itself, drawn in a real browser, is {@code UiBrowserHostTest}'s.
 */
@HostTest
class UiHostTest extends DaemonHarness {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    Daemon.Options options(Daemon.Options defaults) {
        return defaults.withUi(new InetSocketAddress("127.0.0.1", 0));
    }

    private URI url() {
        return URI.create(cli("ui").out().strip());
    }

    @Test
    void podshimUiGivesTheAddressWhoseTokenIsKeptRootOnlyAndOutlivesARestart() throws Exception {
        Result ui = cli("ui");
        assertEquals(0, ui.code(), ui.toString());
        URI url = URI.create(ui.out().strip());
        assertEquals("127.0.0.1", url.getHost());
        assertTrue(url.getQuery().matches("token=[0-9a-f]{48}"), url.toString());
        assertEquals(url.toString() + "#pod/default%2Fweb", cli("ui", "web").out().strip(), "opened on a pod");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(base.resolve("state/ui-token"))));

        daemon.close();
        daemon = Daemon.start(options(new Daemon.Options(socket(), null, base.resolve("state"), base.resolve("logs"),
                base.resolve("images"), "podshim-test-" + base.getFileName().toString().substring("podshim-test-".length()),
                io.podshim.runtime.pod.BackoffPolicy.KUBERNETES, null)));
        URI again = url();
        assertEquals(url.getQuery(), again.getQuery(), "a page left open keeps its token across a daemon restart");
    }

    @Test
    void withoutTheTokenOrFromAnotherHostNameOrToActTheAnswerIsNo() throws Exception {
        URI url = url();
        int port = url.getPort();
        String token = url.getQuery();
        assertEquals(401, get(port, "/", "127.0.0.1:" + port).status());
        assertEquals(401, get(port, "/api/pods", "127.0.0.1:" + port).status(), "the data needs it as the page does");
        assertEquals(401, get(port, "/api/pods?token=" + "0".repeat(48), "127.0.0.1:" + port).status());
        assertEquals(401, get(port, "/assets/ui.js", "127.0.0.1:" + port).status());
        assertEquals(200, get(port, "/?" + token, "127.0.0.1:" + port).status());
        assertEquals(200, get(port, "/?" + token, "localhost:" + port).status());
        assertEquals(403, get(port, "/?" + token, "attacker.example:" + port).status(), "a rebound DNS name is refused");
        for (String method : List.of("POST", "DELETE", "PUT")) {
            Answer refused = request(port, method, "/api/pods?" + token, "127.0.0.1:" + port);
            assertEquals(405, refused.status(), method + " " + refused);
        }
        Answer page = get(port, "/?" + token, "127.0.0.1:" + port);
        assertTrue(page.headers().contains("content-security-policy: default-src 'self'"), page.headers());
        assertTrue(page.headers().contains("referrer-policy: no-referrer"), page.headers());
        assertTrue(page.body().contains("assets/ui.js?" + token), "the assets are asked for with the token");
        assertFalse(page.body().contains("{{TOKEN}}"));
        assertEquals(200, get(port, "/assets/ui.js?" + token, "127.0.0.1:" + port).status());
        assertEquals(200, get(port, "/assets/ui.css?" + token, "127.0.0.1:" + port).status());
    }

    @Test
    void aPodsPictureHasItsProcessesNamespacesRunsUsageAndLogLines() throws Exception {
        applyAndAwait("web", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  initContainers:
                  - {name: prepare, image: busybox:local, command: [sh, -c, 'echo prepared']}
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sh, -c, 'echo app up; exec sleep 3600']
                    resources: {limits: {memory: 48Mi, cpu: 250m}}
                """, DaemonHarness::running);
        URI url = url();
        String token = url.getQuery();
        JsonNode list = JSON.readTree(get(url.getPort(), "/api/pods?" + token, "127.0.0.1:" + url.getPort()).body());
        assertEquals("List", list.path("kind").asText());
        assertEquals("web", list.path("items").path(0).path("metadata").path("name").asText());

        JsonNode picture = JSON.readTree(get(url.getPort(), "/api/pods/default/web?" + token, "127.0.0.1:" + url.getPort()).body());
        List<String> processes = new ArrayList<>();
        picture.path("processes").forEach(p -> processes.add(p.path("name").asText() + "/" + p.path("role").asText()));
        assertEquals(List.of("host/host", "pause/pause", "app/app"), processes, "the prepare container has ended");
        JsonNode ns = JSON.readTree(cli("ns", "web", "-o", "json").out());
        for (JsonNode p : picture.path("processes")) {
            assertEquals(ns.path(p.path("name").asText()).path("namespaces"), p.path("namespaces"), "as podshim ns reads them");
        }
        JsonNode prepare = picture.path("containers").path(0);
        assertEquals("prepare", prepare.path("name").asText());
        assertEquals("init", prepare.path("role").asText());
        assertEquals("Completed", prepare.path("runs").path(0).path("reason").asText());
        assertEquals(List.of("prepared"), JSON.convertValue(prepare.path("logs"), List.class));
        JsonNode app = picture.path("containers").path(1);
        assertTrue(app.path("runs").path(0).path("finishedAt").isMissingNode(), "the app's run goes on: " + app);
        assertTrue(app.path("runs").path(0).path("startedAt").asLong() >= prepare.path("runs").path(0).path("finishedAt").asLong(),
                "the app started after its init container ended: " + picture.path("containers"));
        assertEquals(48L << 20, app.path("usage").path("memoryLimitBytes").asLong());
        assertEquals(250, app.path("usage").path("cpuLimitMilli").asLong());
        assertTrue(app.path("usage").path("memoryBytes").asLong() > 0, app.toString());
        assertEquals(List.of("app up"), JSON.convertValue(app.path("logs"), List.class));
        assertTrue(picture.path("events").size() > 0);

        Answer missing = get(url.getPort(), "/api/pods/other/web?" + token, "127.0.0.1:" + url.getPort());
        assertEquals(404, missing.status(), "a pod is found in its own namespace only");
    }

    @Test
    void aDaemonWithoutThePageSaysHowToHaveOneAndNoPageListensOffLoopback() throws Exception {
        daemon.close();
        daemon = Daemon.start(new Daemon.Options(socket(), null, base.resolve("state"), base.resolve("logs"), base.resolve("images"),
                "podshim-test-" + base.getFileName().toString().substring("podshim-test-".length()),
                io.podshim.runtime.pod.BackoffPolicy.KUBERNETES, null));
        Result ui = cli("ui");
        assertEquals(1, ui.code());
        assertTrue(ui.err().contains("start it with --ui 127.0.0.1:PORT"), ui.err());

        io.podshim.runtime.PodException refused = org.junit.jupiter.api.Assertions.assertThrows(io.podshim.runtime.PodException.class,
                () -> io.podshim.runtime.ui.UiServer.start(new InetSocketAddress("0.0.0.0", 0), base.resolve("state"),
                        daemon.engine(), "node"));
        assertTrue(refused.getMessage().startsWith("--ui 0.0.0.0:0: the page listens on a loopback address only"), refused.getMessage());
    }

    record Answer(int status, String headers, String body) {}

    private static Answer get(int port, String target, String host) throws IOException {
        return request(port, "GET", target, host);
    }

    /** A plain HTTP/1.1 request on a socket: the JDK's client will not send a Host header of the test's choosing. */
    private static Answer request(int port, String method, String target, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] answer = socket.getInputStream().readAllBytes();
            int split = 0;
            while (!(answer[split] == '\r' && answer[split + 1] == '\n' && answer[split + 2] == '\r' && answer[split + 3] == '\n')) {
                split++;
            }
            String head = new String(answer, 0, split, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
            byte[] body = java.util.Arrays.copyOfRange(answer, split + 4, answer.length);
            if (head.contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new Answer(Integer.parseInt(head.split(" ")[1]), head, new String(body, StandardCharsets.UTF_8));
        }
    }

    private static byte[] unchunk(byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (true) {
            int eol = i;
            while (body[eol] != '\r') {
                eol++;
            }
            int size = Integer.parseInt(new String(body, i, eol - i, StandardCharsets.US_ASCII).trim(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(body, eol + 2, size);
            i = eol + 2 + size + 2;
        }
    }
}
