package io.podshim.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostTest;
import io.podshim.testing.Patience;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Test;

/**
 * The API's streams as a client sees them on the real socket: exec's channels (input as it comes,
 * output, the exit as a status, a terminal of the container's, resized), refusals before the
 * upgrade, and port-forward carrying many connections at once through the CLI.
 */
@HostTest
class StreamsHostTest extends DaemonHarness {
    private static final Duration PATIENCE = Patience.of(Duration.ofSeconds(60));
    private static final String SLEEPER = """
            apiVersion: v1
            kind: Pod
            metadata: {name: box}
            spec:
              containers: [{name: app, image: busybox:local, command: [sleep, "3600"]}]
            """;

    private record Frame(int channel, String text) {}

    /** One exec stream: its frames as they come, and its end. */
    private final class Stream implements AutoCloseable {
        final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        final StreamClient client;
        final Session session;

        Stream(String target, List<String> protocols) throws IOException {
            client = new StreamClient(socket());
            try {
                session = client.connect(target, protocols, new FrameListener((channel, data) ->
                        frames.add(new Frame(channel, new String(data, StandardCharsets.UTF_8))), () -> ended.complete(null)));
            } catch (IOException e) {
                client.close();
                throw e;
            }
        }

        Stream(String target) throws IOException {
            this(target, List.of("v5.channel.k8s.io", "v4.channel.k8s.io"));
        }

        void send(int channel, String text) throws IOException {
            byte[] data = text.getBytes(StandardCharsets.UTF_8);
            StreamClient.send(session, channel, data, data.length);
        }

        /** What came on each channel so far, and how far {@link #await} has read it. */
        private final StringBuilder[] transcript = {new StringBuilder(), new StringBuilder(), new StringBuilder(), new StringBuilder()};
        private final int[] read = new int[4];

        /** Waits (bounded) until {@code wanted} comes on {@code channel} after what was awaited before. */
        void await(int channel, String wanted) throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (transcript[channel].indexOf(wanted, read[channel]) < 0) {
                Frame f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertTrue(f != null, "gave up waiting for " + wanted + " on channel " + channel + "; saw " + transcript[channel]);
                if (f.channel() < transcript.length) {
                    transcript[f.channel()].append(f.text());
                }
            }
            read[channel] = transcript[channel].indexOf(wanted, read[channel]) + wanted.length();
        }

        /** Everything that came on {@code channel}, once the stream has ended. */
        String rest(int channel) throws Exception {
            ended.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            for (Frame f; (f = frames.poll()) != null; ) {
                if (f.channel() < transcript.length) {
                    transcript[f.channel()].append(f.text());
                }
            }
            return transcript[channel].toString();
        }

        @Override
        public void close() {
            session.close();
            client.close();
        }
    }

    private static String exec(String pod, String query, String... command) {
        StringBuilder target = new StringBuilder("/v1/pods/" + pod + "/exec?" + query);
        for (String arg : command) {
            target.append("&command=").append(java.net.URLEncoder.encode(arg, StandardCharsets.UTF_8));
        }
        return target.toString();
    }

    @Test
    void inputIsStreamedAsItComesAndTheExitEndsTheStream() throws Exception {
        applyAndAwait("box", SLEEPER, DaemonHarness::running);
        try (Stream cat = new Stream(exec("box", "stdin=true&stdout=true&stderr=true", "cat"))) {
            assertEquals("v5.channel.k8s.io", cat.session.getUpgradeResponse().getAcceptedSubProtocol());
            // cat answers each line before the next is sent: the input is not read to its end first.
            cat.send(0, "ping\n");
            cat.await(1, "ping\n");
            cat.send(0, "pong\n");
            cat.await(1, "pong\n");
            cat.send(255, "\0"); // v5: stdin has ended, cat with it
            assertEquals("{\"metadata\":{},\"status\":\"Success\"}", cat.rest(3));
        }
    }

    @Test
    void theStatusCarriesTheExitCodeAndAStartFailureItsShellCode() throws Exception {
        applyAndAwait("box", SLEEPER, DaemonHarness::running);
        try (Stream failing = new Stream(exec("box", "stdout=true&stderr=true", "sh", "-c", "echo out; echo err >&2; exit 3"),
                List.of("v4.channel.k8s.io"))) {
            assertEquals("v4.channel.k8s.io", failing.session.getUpgradeResponse().getAcceptedSubProtocol());
            String status = failing.rest(3);
            assertTrue(status.contains("\"reason\":\"NonZeroExitCode\"") && status.contains("{\"reason\":\"ExitCode\",\"message\":\"3\"}"),
                    status);
            assertEquals("out\n", failing.rest(1));
            assertEquals("err\n", failing.rest(2));
        }
        try (Stream missing = new Stream(exec("box", "stdout=true&stderr=true", "no-such-command"))) {
            assertTrue(missing.rest(3).contains("\"message\":\"127\""), missing.rest(3));
            assertTrue(missing.rest(2).contains("no-such-command"), missing.rest(2));
        }
    }

    @Test
    void aStreamThatCannotBeServedIsRefusedBeforeTheUpgradeSayingWhy() throws Exception {
        applyAndAwait("box", SLEEPER, DaemonHarness::running);
        IOException nopod = assertThrows(IOException.class, () -> new Stream(exec("nope", "stdout=true", "true")));
        assertEquals("pod \"nope\" not found", nopod.getMessage());
        IOException noProtocol = assertThrows(IOException.class, () -> new Stream(exec("box", "stdout=true", "true"), List.of("chat")));
        assertTrue(noProtocol.getMessage().contains("v5.channel.k8s.io"), noProtocol.getMessage());
        IOException noContainer = assertThrows(IOException.class, () -> new Stream(exec("box", "container=other&stdout=true", "true")));
        assertEquals("pod box has no container \"other\"", noContainer.getMessage());
    }

    @Test
    void aTerminalIsTheContainersOwnSizedAndResizedAndHungUpWhenTheClientGoes() throws Exception {
        applyAndAwait("box", SLEEPER, DaemonHarness::running);
        try (Stream shell = new Stream(exec("box", "stdin=true&stdout=true&tty=true&width=100&height=30", "sh"))) {
            shell.send(0, "test -c \"$(tty)\" && echo \"on $(tty) of the container\"; stty size\r");
            shell.await(1, "on /dev/pts/0 of the container");
            shell.await(1, "30 100");
            shell.send(4, "{\"Width\":120,\"Height\":40}");
            shell.send(0, "stty size; echo $TERM\r");
            shell.await(1, "40 120");
            shell.await(1, "xterm");
            shell.send(0, "exec sleep 4242\r");
            awaitArgs("sleep 4242", true);
        }
        // The client went: the terminal's hang-up ends what ran on it.
        awaitArgs("sleep 4242", false);
    }

    /** Until a process of the pod runs {@code args}, or none does (bounded). */
    private void awaitArgs(String args, boolean present) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (cli("exec", "box", "--", "ps", "-o", "args").out().lines().anyMatch(l -> l.equals(args)) != present) {
            assertTrue(System.nanoTime() < deadline, present ? args + " never ran" : "the exec'd command outlived its terminal");
            Thread.onSpinWait();
        }
    }

    static final String ATTACHABLE = """
            apiVersion: v1
            kind: Pod
            metadata: {name: held}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: echo, image: busybox:local, command: [sh, -c, 'while read l; do echo "got $l"; done'], stdin: true}
              - {name: term, image: busybox:local, command: [sh], stdin: true, tty: true}
              - {name: quiet, image: busybox:local, command: [sleep, "3600"]}
            """;

    @Test
    void attachReachesARunningContainersInputAndOutputWhileItsLogGoesOn() throws Exception {
        applyAndAwait("held", ATTACHABLE, DaemonHarness::running);
        try (Stream echo = new Stream("/v1/pods/held/attach?container=echo&stdin=true&stdout=true&stderr=true")) {
            echo.send(0, "ping\n");
            echo.await(1, "got ping\n");
            echo.send(0, "pong\n");
            echo.await(1, "got pong\n");
        }
        assertEquals("got ping\ngot pong\n", cli("logs", "held", "-c", "echo").out(), "the output still went to the log");
        try (Stream term = new Stream("/v1/pods/held/attach?container=term&stdin=true&stdout=true&tty=true")) {
            term.send(4, "{\"Width\":90,\"Height\":20}");
            term.send(0, "echo $((6*7)) on $(tty); stty size\r");
            term.await(1, "42 on /dev/pts/0");
            term.await(1, "20 90");
        }
        IOException noStdin = assertThrows(IOException.class, () -> new Stream("/v1/pods/held/attach?container=quiet&stdin=true"));
        assertTrue(noStdin.getMessage().contains("was not started with stdin: true"), noStdin.getMessage());
        assertEquals("0 0 0", daemon.engine().status("held").orElseThrow().containers().stream()
                .map(c -> String.valueOf(c.restartCount())).reduce((a, b) -> a + " " + b).orElseThrow(), "no container was restarted");
    }

    @Test
    void portForwardCarriesTwentyConnectionsAtOnceToThePodsLoopback() throws Exception {
        applyAndAwait("web", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - name: web
                    image: busybox:local
                    command: [sh, -c, "mkdir -p /www && echo from the pod > /www/index.html && exec httpd -f -p 8080 -h /www"]
                """, DaemonHarness::running);
        // The CLI as a user runs it: a process of its own, until it is stopped.
        String java = ProcessHandle.current().info().command().orElseThrow();
        // Its standard error apart: a JVM may say things there first (JAVA_TOOL_OPTIONS).
        Path errors = base.resolve("port-forward.err");
        Process forward = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.podshim.runtime.Main",
                "--socket", socket().toString(), "port-forward", "web", ":8080").redirectError(errors.toFile()).start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(forward.getInputStream(), StandardCharsets.UTF_8));
            String first = said.readLine();
            assertTrue(first != null && first.matches("Forwarding from 127\\.0\\.0\\.1:\\d+ -> 8080"), first + "; its errors: "
                    + Files.readString(errors));
            int port = Integer.parseInt(first.replaceAll(".*:(\\d+) ->.*", "$1"));
            Thread drain = new Thread(() -> said.lines().forEach(l -> { }));
            drain.setDaemon(true);
            drain.start();
            // Twenty connections open at once, every request sent before any answer is read.
            List<java.net.Socket> connections = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    java.net.Socket c = new java.net.Socket("127.0.0.1", port);
                    c.setSoTimeout((int) PATIENCE.toMillis());
                    connections.add(c);
                }
                for (java.net.Socket c : connections) {
                    c.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                for (java.net.Socket c : connections) {
                    String answer = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(answer.matches("(?s)HTTP/1\\.[01] 200 OK\\r\\n.*") && answer.endsWith("\r\n\r\nfrom the pod\n"), answer);
                }
            } finally {
                for (java.net.Socket c : connections) {
                    c.close();
                }
            }
        } finally {
            forward.destroy();
            forward.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
