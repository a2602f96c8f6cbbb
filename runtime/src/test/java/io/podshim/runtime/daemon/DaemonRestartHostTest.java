package io.podshim.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.podshim.cgroups.CgroupHost;
import io.podshim.cgroups.CgroupManager;
import io.podshim.cgroups.CgroupPath;
import io.podshim.linux.Procfs;
import io.podshim.runtime.container.BusyboxImage;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.ImportProgress;
import io.podshim.testing.HostSnapshot;
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
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon SIGKILLed mid-pod and started again, each time as a process of its own driven through
 * the command line: the pod runs on, what ended meanwhile is reported with its real exit code, the
 * log goes on without a gap, exec and delete work, and nothing is left.
 */
@HostTest
class DaemonRestartHostTest {
    private static final Duration PATIENCE = Patience.of(Duration.ofSeconds(60));

    private Path base;
    private String cgroupRoot;
    private HostSnapshot before;
    private final List<Process> daemons = new ArrayList<>();
    // What each daemon printed, for the message of a wait that gives up.
    private final List<BlockingQueue<String>> outputs = new ArrayList<>();

    @BeforeEach
    void prepare() throws Exception {
        before = HostSnapshot.take();
        String id = UUID.randomUUID().toString().substring(0, 8);
        base = Path.of("/run/podshim-test-" + id);
        cgroupRoot = "podshim-test-" + id;
        new ImageStore(base.resolve("images")).importImage(BusyboxImage.create(base.resolve("busybox")), "busybox:local", ImportProgress.NONE);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process daemon : daemons) {
            if (daemon.isAlive()) {
                daemon.destroy(); // SIGTERM: the daemon deletes its pods and removes its socket
            }
            daemon.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            daemon.destroyForcibly().waitFor();
        }
        io.podshim.runtime.FileTrees.delete(base);
        HostSnapshot.takeAndCompare(before);
    }

    /** A daemon of its own, started as a user starts it; returns once it listens, with its output lines. */
    private BlockingQueue<String> startDaemon() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // Without the CRI, which this test is not about: gRPC's start is a third of a daemon's in the emulated v2 VM.
        Process daemon = new ProcessBuilder(java, "-cp", classpath, "io.podshim.runtime.Main", "daemon",
                "--socket", base.resolve("podshim.sock").toString(), "--state", base.resolve("state").toString(),
                "--logs", base.resolve("logs").toString(), "--store", base.resolve("images").toString(),
                "--cgroup-root", cgroupRoot, "--backoff", "100ms:400ms", "--network", "none", "--cri-socket", "none")
                .redirectErrorStream(true).start();
        daemons.add(daemon);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        outputs.add(lines);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("read: " + e);
            }
        }, "daemon-output");
        reader.setDaemon(true);
        reader.start();
        List<String> seen = new ArrayList<>();
        while (seen.stream().noneMatch(l -> l.contains("listening on"))) {
            String line = lines.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            if (line == null) {
                fail("the daemon did not start within " + PATIENCE.toSeconds() + " s: " + seen + "\nits threads:\n" + threads(daemon));
            }
            seen.add(line);
        }
        lines.addAll(seen);
        return lines;
    }

    /** What a daemon that does not answer is doing, from jcmd beside this JVM's java. */
    private static String threads(Process daemon) {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(daemon.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            dump.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            return text;
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    private record Result(int code, String out, String err) {}

    private Result cli(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--socket", base.resolve("podshim.sock").toString()));
        all.addAll(List.of(args));
        int code = io.podshim.runtime.cli.Cli.main(all.toArray(String[]::new),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Asks again until {@code accept} holds for the answer (bounded): the pod moves on its own time. */
    private Result cliUntil(Predicate<Result> accept, String... args) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Result r = cli(args);
        while (!accept.test(r)) {
            assertTrue(System.nanoTime() < deadline, "gave up waiting on podshim " + String.join(" ", args) + ":\n" + r
                    + "\nwhat the daemons printed:\n" + outputs.stream().map(o -> String.join("\n", o)).toList());
            Thread.onSpinWait();
            r = cli(args);
        }
        return r;
    }

    private static final Pattern COUNT = Pattern.compile("line (\\d+)");

    /** The numbers of the log's "line N" records, which must run 0, 1, 2, … without a gap. */
    private static int linesWithoutGap(String log) {
        Matcher m = COUNT.matcher(log);
        int expected = 0;
        while (m.find()) {
            assertEquals(expected, Integer.parseInt(m.group(1)), "a gap in the log:\n" + log);
            expected++;
        }
        return expected;
    }

    @Test
    void aKilledDaemonIsStartedAgainAndTakesItsPodOver() throws Exception {
        Path gate = Files.createDirectories(base.resolve("gate"));
        Path manifest = Files.writeString(base.resolve("pod.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: survivor}
                spec:
                  volumes: [{name: gate, hostPath: {path: %s}}]
                  initContainers: [{name: prepare, image: busybox:local, command: [echo, prepared]}]
                  containers:
                  - {name: counter, image: busybox:local, command: [sh, -c, "i=0; while :; do echo line $i; i=$((i+1)); usleep 20000; done"]}
                  - name: quitter
                    image: busybox:local
                    command: [sh, -c, "until [ -e /gate/go ]; do usleep 10000; done; rm /gate/go; exit 3"]
                    volumeMounts: [{name: gate, mountPath: /gate}]
                """.formatted(gate));
        startDaemon();
        assertEquals(0, cli("apply", "-f", manifest.toString()).code());
        cliUntil(r -> r.out().matches("(?s).*\\nsurvivor +2/2 +Running +0 .*"), "get", "pods");
        int beforeKill = linesWithoutGap(cliUntil(r -> COUNT.matcher(r.out()).find(), "logs", "survivor", "-c", "counter").out());
        String pids = cli("get", "pods", "-o", "json").out();

        Process first = daemons.get(0);
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
        assertEquals(137, first.waitFor());
        List<Integer> running = containerPids(pids);
        assertEquals(2, running.size(), pids);
        running.forEach(pid -> assertTrue(Procfs.startTime(pid).isPresent(), "container " + pid + " died with the daemon"));

        // While no daemon runs, the quitter ends: its shim records how.
        Files.writeString(gate.resolve("go"), "");
        Path record = onlyExitRecord(base.resolve("state/sandboxes"), "quitter-0");
        long recordDeadline = System.nanoTime() + PATIENCE.toNanos();
        while (!Files.exists(record)) {
            assertTrue(System.nanoTime() < recordDeadline, "the quitter's shim wrote no exit record");
            Thread.onSpinWait();
        }

        BlockingQueue<String> output = startDaemon();
        assertTrue(output.stream().anyMatch(l -> l.equals("podshim daemon: took over pod survivor from an earlier daemon")),
                output.toString());
        Result get = cliUntil(r -> r.out().matches("(?s).*\\nsurvivor +2/2 +Running +1 .*"), "get", "pods");
        assertTrue(get.code() == 0, get.toString());
        Result describe = cli("describe", "pod", "survivor");
        assertTrue(describe.out().contains("ended while the daemon was down: exited 3"), describe.out());
        assertTrue(describe.out().matches("(?s).*Last State: +Terminated\n +Reason: +Error\n +Exit Code: +3\n.*"),
                "the quitter's last state: " + describe.out());
        assertTrue(describe.out().matches("(?s).*prepare:.*State: +Terminated\n +Reason: +Completed\n +Exit Code: +0\n.*"),
                "what the first daemon saw is still there: " + describe.out());

        // The counter's log goes on without a gap: what it wrote meanwhile waited in the pipe its shim holds.
        cliUntil(r -> COUNT.matcher(r.out()).results().count() > beforeKill + 50, "logs", "survivor", "-c", "counter");
        int after = linesWithoutGap(cli("logs", "survivor", "-c", "counter").out());
        assertTrue(after > beforeKill + 50, "the log went on: " + beforeKill + " lines before, " + after + " now");
        assertEquals(running.get(0), containerPids(cli("get", "pods", "-o", "json").out()).get(0), "the same counter process");

        Result exec = cli("exec", "survivor", "-c", "counter", "--", "sh", "-c", "hostname; exit 4");
        assertEquals(new Result(4, "survivor\n", ""), exec);

        assertEquals(0, cli("delete", "pod", "survivor", "--grace-period", "1").code());
        assertEquals(0, cliUntil(r -> !r.out().contains("survivor"), "get", "pods").code());
        running.forEach(pid -> assertFalse(Procfs.startTime(pid).isPresent() && !Procfs.state(pid).orElse("Z").startsWith("Z"),
                "container " + pid + " outlived its pod"));
        try (Stream<Path> left = Files.list(base.resolve("state/sandboxes"))) {
            assertEquals(List.of(), left.toList(), "sandbox directories left");
        }
        CgroupManager cgroups = CgroupManager.forHost(CgroupHost.detect());
        try (Stream<Path> left = Files.list(cgroups.directory(CgroupPath.of(cgroupRoot, "besteffort"), "memory"))) {
            assertEquals(List.of(), left.filter(Files::isDirectory).toList(), "pod cgroups left");
        }
    }

    @Test
    void aKilledDaemonStartedAgainStillReachesEachContainersStdinAndTerminal() throws Exception {
        Path manifest = Files.writeString(base.resolve("pod.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: held}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: echo, image: busybox:local, command: [sh, -c, 'while read l; do echo "got $l"; done'], stdin: true}
                  - {name: term, image: busybox:local, command: [sh], stdin: true, tty: true}
                """);
        startDaemon();
        assertEquals(0, cli("apply", "-f", manifest.toString()).code());
        cliUntil(r -> r.out().matches("(?s).*\\nheld +2/2 +Running +0 .*"), "get", "pods");
        attachAndSee("echo", "before\n", "got before");

        Process first = daemons.get(0);
        first.destroyForcibly(); // SIGKILL: the containers keep their stdin and terminal in their shims
        assertEquals(137, first.waitFor());
        startDaemon();
        cliUntil(r -> r.out().matches("(?s).*\\nheld +2/2 +Running +0 .*"), "get", "pods");

        // Neither container saw its input end (which would have ended it and started it again: RESTARTS 0 says not).
        attachAndSee("echo", "after\n", "got after");
        attachAndSee("term", "echo $((6*7)) again\r", "42 again");
        assertTrue(cli("get", "pods").out().matches("(?s).*\\nheld +2/2 +Running +0 .*"), cli("get", "pods").out());
        assertEquals("got before\ngot after\n", cli("logs", "held", "-c", "echo").out(), "one log across both daemons");
    }

    /** Attaches to {@code container} of pod held, types {@code input}, waits (bounded) for {@code wanted} in its output. */
    private void attachAndSee(String container, String input, String wanted) throws Exception {
        StringBuffer seen = new StringBuffer();
        try (io.podshim.runtime.cli.StreamClient client = new io.podshim.runtime.cli.StreamClient(base.resolve("podshim.sock"))) {
            org.eclipse.jetty.websocket.api.Session session = client.connect("/v1/pods/held/attach?container=" + container
                    + "&stdin=true&stdout=true&tty=" + container.equals("term"), List.of("v5.channel.k8s.io"),
                    new io.podshim.runtime.cli.FrameListener((channel, data) -> seen.append(new String(data, StandardCharsets.UTF_8)),
                            () -> { }));
            byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
            io.podshim.runtime.cli.StreamClient.send(session, 0, bytes, bytes.length);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!seen.toString().contains(wanted)) {
                assertTrue(System.nanoTime() < deadline, "attach to " + container + ": gave up waiting for " + wanted + "; saw " + seen);
                Thread.onSpinWait();
            }
            session.close();
        }
    }

    /** The host pids of the running containers in {@code get pods -o json} (in spec order). */
    private static List<Integer> containerPids(String json) {
        List<Integer> pids = new ArrayList<>();
        Matcher m = Pattern.compile("\"podshim.io/pid\\.[^\"]+\" : \"(\\d+)\"").matcher(json);
        while (m.find()) {
            int pid = Integer.parseInt(m.group(1));
            if (pid > 0) {
                pids.add(pid);
            }
        }
        return pids;
    }

    private static Path onlyExitRecord(Path sandboxes, String run) throws IOException {
        try (Stream<Path> dirs = Files.list(sandboxes)) {
            List<Path> pods = dirs.toList();
            assertEquals(1, pods.size(), pods.toString());
            return pods.get(0).resolve("containers").resolve(run).resolve(io.podshim.linux.Shim.EXIT_FILE);
        }
    }
}
