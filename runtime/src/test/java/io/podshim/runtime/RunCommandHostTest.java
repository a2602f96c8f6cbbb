package io.podshim.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.container.BusyboxImage;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.ImportProgress;
import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code podshim run -f} as a user runs it: what it prints, its exit code, and what it leaves (nothing). */
@HostTest
class RunCommandHostTest {
    private static Path base;

    @BeforeAll
    static void image() throws Exception {
        base = Path.of("/run/podshim-test-" + UUID.randomUUID().toString().substring(0, 8));
        new ImageStore(base.resolve("images")).importImage(BusyboxImage.create(base.resolve("busybox")), "busybox:local", ImportProgress.NONE);
    }

    @AfterAll
    static void remove() throws IOException {
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String yaml) throws IOException {
        Path file = Files.writeString(base.resolve(UUID.randomUUID() + ".yaml"), yaml);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RunCommand.run(new String[] {"run", "-f", file.toString(), "--store", base.resolve("images").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPodRunsInTheForegroundShowingStatusLogsAndSharingThenLeavesNothing() throws IOException {
        HostSnapshot before = HostSnapshot.take();
        Result r = run("""
                apiVersion: v1
                kind: Pod
                metadata: {name: fg}
                spec:
                  restartPolicy: Never
                  initContainers: [{name: prepare, image: busybox:local, command: [echo, prepared]}]
                  containers:
                  - {name: app, image: busybox:local, command: [sh, -c, "echo hello from $(hostname); sleep 1"]}
                """);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("pod/fg: Init:0/1\n"), r.out());
        assertTrue(r.out().contains("[prepare] prepared\n"), r.out());
        assertTrue(r.out().contains("[app] hello from fg\n"), r.out());
        assertTrue(r.out().contains("shared by the pod"), r.out());
        assertTrue(r.out().endsWith("pod/fg Succeeded\n"), r.out());
        try (Stream<Path> runs = Files.list(Path.of("/run/podshim"))) {
            assertTrue(runs.noneMatch(p -> p.getFileName().toString().startsWith("run-")), "run state left");
        }
        HostSnapshot.takeAndCompare(before);
    }

    @Test
    void aFileWithAConfigMapAndItsPodRunsThePodWithIt() throws IOException {
        Result r = run("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: fg-settings}
                data: {greeting: bonjour}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: fg-config}
                spec:
                  restartPolicy: Never
                  volumes: [{name: cfg, configMap: {name: fg-settings}}]
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sh, -c, "echo $(GREETING) from env, $(cat /cfg/greeting) from the volume"]
                    env: [{name: GREETING, valueFrom: {configMapKeyRef: {name: fg-settings, key: greeting}}}]
                    volumeMounts: [{name: cfg, mountPath: /cfg}]
                """);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("[app] bonjour from env, bonjour from the volume\n"), r.out());
        Result two = run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alone}\ndata: {a: b}\n");
        assertEquals(1, two.code());
        assertTrue(two.err().endsWith(": no Pod in it: give one Pod (and the ConfigMaps, Secrets and claims it uses)\n"), two.err());
    }

    /** README's first command runs this pod: what README says it shows is what it shows, on v1 and v2 alike. */
    @Test
    void theDemoPodRunsAsReadmeTellsIt() throws IOException {
        HostSnapshot before = HostSnapshot.take();
        // Surefire runs in the module's directory; the demo lives at the top of the checkout.
        Result r = run(Files.readString(Path.of("..", "examples", "demo-pod.yaml")));
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = List.of(r.out().split("\n"));
        // A status line and a log line are printed by different threads: each kind keeps its own order.
        // A status that lasts less than a turn of the printer (Init:1/3 here is one echo) may be passed over.
        List<String> statuses = List.of("pod/demo: Init:0/3", "pod/demo: Init:1/3", "pod/demo: Running", "pod/demo: Completed");
        List<String> shown = lines.stream().filter(l -> l.startsWith("pod/demo: ")).toList();
        assertEquals(shown, statuses.stream().filter(shown::contains).toList(), "only these, in this order: " + r.out());
        assertTrue(shown.containsAll(List.of("pod/demo: Init:0/3", "pod/demo: Running")), r.out());
        // The second init container reads what the first one wrote: they ran one after the other.
        List<String> inits = List.of("[write-config] wrote /shared/config",
                "[check-config] found greeting=hello, written by the init container before me");
        assertEquals(inits, lines.stream().filter(inits::contains).toList(), r.out());
        assertTrue(lines.contains("[client] fetched over the pod localhost: hello from the server container"), r.out());
        assertTrue(lines.contains("[log-shipper] shipped: fetched: hello from the server container"), r.out());
        for (String kind : List.of("net", "ipc", "uts", "pid")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(kind + " ") && l.endsWith("shared by the pod")), kind + ": " + r.out());
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("mnt ") && l.endsWith("each container has its own")), r.out());
        assertTrue(lines.contains("  log-shipper    terminated (Error, exit code 143)"), "the sidecar is stopped after the apps: "
                + r.out());
        assertTrue(r.out().endsWith("pod/demo Succeeded\n"), r.out());
        HostSnapshot.takeAndCompare(before);
    }

    @Test
    void imageLsListsRepositoryTagDigestIdAndSize() throws IOException {
        Path store = base.resolve("ls-store");
        Path layout = io.podshim.runtime.image.TestImages.ociLayout(base.resolve("ls-layout"), "2.1",
                io.podshim.runtime.image.TestImages.config(List.of("/bin/sh"), null, List.of()),
                List.of(io.podshim.runtime.image.TestImages.layer(List.of(io.podshim.runtime.image.TestImages.Entry.file("data",
                        "x".repeat(1500))))));
        new ImageStore(store).importImage(layout, "127.0.0.1:5000/lab/app:2.1", io.podshim.runtime.image.ImportProgress.NONE);
        new ImageStore(store).importImage(base.resolve("busybox"), "busybox:local", io.podshim.runtime.image.ImportProgress.NONE);
        String manifest = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(layout.resolve("index.json")
                .toFile()).path("manifests").get(0).path("digest").asText();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ImageCommand.run(new String[] {"image", "ls", "--store", store.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().map(String::strip).toList();
        assertEquals("REPOSITORY TAG DIGEST IMAGE ID SIZE", lines.get(0).replaceAll(" +", " "), lines.get(0));
        String[] app = lines.get(1).split(" +");
        assertEquals(List.of("127.0.0.1:5000/lab/app", "2.1", manifest.substring(0, 19)), List.of(app).subList(0, 3));
        assertTrue(app[3].matches("sha256:[0-9a-f]{12}"), lines.get(1));
        assertEquals("1.50 kB", app[4] + " " + app[5], "the unpacked files: one of 1500 bytes");
        assertTrue(lines.get(2).matches("busybox +local +<none> +dir:[0-9a-f]{12} +-"), "a directory in place: no digest, no"
                + " size measured: " + lines.get(2));
    }

    @Test
    void theExitCodeIsTheFailedContainersAndABadManifestNamesItsField() throws IOException {
        Result failed = run("""
                apiVersion: v1
                kind: Pod
                metadata: {name: fails}
                spec:
                  restartPolicy: Never
                  containers: [{name: app, image: busybox:local, command: [sh, -c, "exit 3"]}]
                """);
        assertEquals(3, failed.code());
        assertTrue(failed.out().contains("app            terminated (Error, exit code 3)"), failed.out());
        // A pod that ends at once still shows its sandbox, and its summary says why it failed.
        Result missing = run("""
                apiVersion: v1
                kind: Pod
                metadata: {name: nostart}
                spec:
                  restartPolicy: Never
                  containers: [{name: app, image: busybox:local, command: [/bin/x]}]
                """);
        assertEquals(128, missing.code(), missing.out());
        assertTrue(missing.out().matches("(?s)pod/nostart created: pause [1-9]\\d*, .*"), missing.out());
        assertTrue(missing.out().contains("app            terminated (StartError, exit code 128: exec: \"/bin/x\": no such file or directory)"),
                missing.out());
        Result bad = run("apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers: [{name: app}]\n");
        assertEquals(1, bad.code());
        assertTrue(bad.err().endsWith(": spec.containers[0].image: required\n"), bad.err());
    }
}
