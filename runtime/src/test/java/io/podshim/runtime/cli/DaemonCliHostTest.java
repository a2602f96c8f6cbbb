package io.podshim.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.cgroups.CgroupHost;
import io.podshim.cgroups.CgroupMode;
import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExecStage;
import io.podshim.linux.NamespacePlan;
import io.podshim.linux.NamespaceThread;
import io.podshim.linux.Pipe;
import io.podshim.linux.Stdio;
import io.podshim.runtime.daemon.Daemon;
import io.podshim.runtime.pod.BackoffPolicy;
import io.podshim.testing.HostTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** CLI stories against a real daemon on a temporary socket and state directory. */
@HostTest
class DaemonCliHostTest extends DaemonHarness {
    @Test
    void applyGetDescribeLogsDelete() throws Exception {
        Path pod = manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  initContainers: [{name: prepare, image: busybox:local, command: [echo, prepared]}]
                  containers:
                  - {name: app, image: busybox:local, command: [sh, -c, "echo serving; exec tail -f /dev/null"],
                     resources: {requests: {cpu: 250m}, limits: {cpu: 500m, memory: 64Mi}}}
                """);
        assertEquals(new Result(0, "pod/web created\n", ""), cli("apply", "-f", pod.toString()));
        daemon.engine().await("web", s -> s.display().equals("Running")).get(60, TimeUnit.SECONDS);

        Result get = cli("get", "pods");
        assertEquals(0, get.code());
        assertTrue(get.out().startsWith("NAME "), get.out());
        assertTrue(get.out().matches("(?s).*\\nweb +1/1 +Running +0 +\\d+s\\s*\\n"), get.out());

        Result describe = cli("describe", "pod", "web");
        assertTrue(describe.out().contains("Status:           Running"), describe.out());
        assertTrue(describe.out().matches("(?s).*Pause PID:\\s+\\d+.*"), describe.out());
        assertTrue(describe.out().matches("(?s).*prepare:.*State: +Terminated\n +Reason: +Completed\n +Exit Code: +0\n.*"), describe.out());
        assertTrue(describe.out().contains("  cpu request:  250m (cpu.shares 256, cpu.weight 10)"), describe.out());
        assertTrue(describe.out().contains("  memory limit: none"), "the init container has no limit, so the pod has none: "
                + describe.out());

        assertEquals(new Result(0, "prepared\n", ""), cli("logs", "web", "-c", "prepare"), "an ended container's log is whole");
        // A running container's log is what it has written so far: wait (bounded) for its first line.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cli("logs", "web", "-c", "app").out().equals("serving\n")) {
            assertTrue(System.nanoTime() < deadline, "the app's line never reached its log");
            Thread.onSpinWait();
        }
        assertTrue(cli("get", "pods", "-o", "json").out().contains("\"name\" : \"web\""));

        Result ns = cli("ns", "web");
        assertEquals(0, ns.code(), ns.err());
        List<String> rows = List.of(ns.out().split("\n"));
        assertTrue(rows.get(0).matches("NS +host \\(\\d+\\) +pause \\(\\d+\\) +app \\(\\d+\\)\\s*"), rows.get(0));
        assertTrue(rows.get(1).startsWith("net ") && rows.get(1).endsWith("shared by the pod"), rows.get(1));
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("mnt ") && r.endsWith("each container has its own")), ns.out());
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("user ") && r.endsWith("shared with the host")), ns.out());
        // On cgroup v2 each container has a cgroup namespace of its own; on v1 they keep the host's.
        boolean v2 = CgroupHost.detect().mode() == CgroupMode.V2;
        String cgroupRow = v2 ? "each container has its own" : "shared with the host";
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("cgroup ") && r.endsWith(cgroupRow)), ns.out());
        assertTrue(cli("ns", "web", "-o", "json").out().contains("\"pause\" : {"), "JSON by process");

        Result exec = cli("exec", "web", "-c", "app", "--", "sh", "-c",
                "cat /etc/hostname; ls /; cat /proc/self/cgroup; echo oops >&2; exit 3");
        assertEquals(3, exec.code(), "the command's exit code passes through: " + exec);
        assertEquals("oops\n", exec.err());
        List<String> seen = List.of(exec.out().split("\n"));
        assertEquals("web", seen.get(0), "the pod's hostname");
        assertTrue(seen.contains("bin") && !seen.contains("usr"), "the container's root, not the host's: " + seen);
        // On v2 the root of the container's own cgroup namespace: joined, and placed in the container's cgroup.
        assertTrue(v2 ? seen.get(seen.size() - 1).equals("0::/") : seen.stream().anyMatch(l -> l.contains(":/podshim-test")),
                "in the container's cgroups: " + seen);
        Result missing = cli("exec", "web", "--", "/no/such");
        assertEquals(127, missing.code());
        assertEquals("exec: \"/no/such\": no such file or directory\n", missing.err());

        assertEquals(new Result(0, "pod/web deleted\n", ""), cli("delete", "pod", "web", "--grace-period", "0"));
        assertEquals("No resources found in default namespace.\n", cli("get", "pods").out(), "as kubectl says it");
    }

    @Test
    void execWithStdinAndImagesOverTheApiWhichRefuseToRemoveAnImageInUse() throws Exception {
        Path pod = manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: cat}
                spec:
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"]}]
                """);
        assertEquals(0, cli("apply", "-f", pod.toString()).code());
        daemon.engine().await("cat", s -> s.display().equals("Running")).get(60, TimeUnit.SECONDS);

        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("one\ntwo\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(new Result(0, "2\n", ""), cli("exec", "-i", "cat", "--", "wc", "-l"), "the piped input reached the command");
        } finally {
            System.setIn(stdin);
        }
        assertEquals(new Result(0, "", ""), cli("exec", "cat", "--", "cat"), "without -i the command reads /dev/null");

        ApiClient api = new ApiClient(base.resolve("podshim.sock"));
        ApiClient.Reply list = api.call("GET", "/v1/images", null);
        assertTrue(list.ok() && list.body().contains("\"name\" : \"busybox:local\"") && list.body().contains("\"tag\" : \"local\""),
                list.body());
        ApiClient.Reply inUse = api.call("DELETE", "/v1/images/busybox:local", null);
        assertEquals(409, inUse.status(), inUse.body());
        assertEquals("image busybox:local is in use by pod cat: delete the pod first", inUse.message());
        assertEquals(404, api.call("DELETE", "/v1/images/nginx", null).status());

        assertEquals(0, cli("delete", "pod", "cat", "--grace-period", "0").code());
        assertEquals(200, api.call("DELETE", "/v1/images/busybox:local", null).status());
        assertEquals("REPOSITORY                               TAG          DIGEST              IMAGE ID            SIZE\n",
                api.call("GET", "/v1/images?output=table", null).body());
        assertTrue(Files.notExists(base.resolve("images/images")) || Files.list(base.resolve("images/images")).findAny().isEmpty(),
                "the image's files went with its last name");
    }

    @Test
    void badInputGivesAClearErrorAndANonZeroExitCode() throws Exception {
        Result bad = cli("apply", "-f", manifest("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a}]}\n").toString());
        assertEquals(new Result(1, "", "Error from podshim: spec.containers[0].image: required\n"), bad);
        Result invalid = cli("apply", "-f", manifest("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"
                + "spec: {containers: [{name: a, image: \"Ghost:1\"}]}\n").toString());
        assertEquals(1, invalid.code());
        assertTrue(invalid.err().startsWith("Error from podshim: spec.containers[0].image: InvalidImageName: image reference"
                + " \"Ghost:1\""), invalid.err());
        assertEquals(new Result(1, "", "Error from podshim: pod \"nope\" not found in namespace \"default\"\n"),
                cli("describe", "pod", "nope"));
        assertEquals(1, cli("logs", "nope").code());

        ApiClient.Reply raw = new ApiClient(base.resolve("podshim.sock")).call("POST", "/v1/pods",
                "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a}]}\n".getBytes());
        assertEquals(400, raw.status());
        assertTrue(raw.body().contains("\"field\" : \"spec.containers[0].image\""), raw.body());
    }

    @Test
    void withoutADaemonTheCliSaysHowToStartOne() throws Exception {
        Result r = cliAt(base.resolve("absent.sock"), "get", "pods");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot reach the podshim daemon at " + base.resolve("absent.sock")), r.err());
        assertTrue(r.err().contains("podshim daemon"), r.err());
    }

    @Test
    void aStaticPodFileAddedRunsChangedIsReplacedAndRemovedStops() throws Exception {
        Path dir = base.resolve("manifests");
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: static-web}
                spec:
                  containers: [{name: app, image: busybox:local, command: [sh, -c, "echo %s; exec tail -f /dev/null"]}]
                """;
        Files.writeString(dir.resolve(".static-web.yaml.swp"), "not a manifest");
        Files.writeString(dir.resolve("notes.txt"), "not a manifest either");
        Files.writeString(dir.resolve("web.yaml"), pod.formatted("first"));
        String firstUid = daemon.engine().await("static-web", s -> s.display().equals("Running")).get(60, TimeUnit.SECONDS).uid();

        Files.writeString(dir.resolve("web.yaml"), pod.formatted("second"));
        String secondUid = daemon.engine().await("static-web", s -> s.display().equals("Running") && !s.uid().equals(firstUid))
                .get(60, TimeUnit.SECONDS).uid();
        assertTrue(!secondUid.equals(firstUid), "replaced by a new pod");

        Files.delete(dir.resolve("web.yaml"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (daemon.engine().status("static-web").isPresent()) {
            assertTrue(System.nanoTime() < deadline, "the pod of a removed file is still there");
            Thread.onSpinWait();
        }
        assertEquals(List.of(), daemon.engine().list(), "dotfiles and other files ran nothing");
    }

    @Test
    void theSocketIsRootOnlyUnlessOpenedToAGroup() throws Exception {
        Path socket = base.resolve("podshim.sock");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        // base (/run/podshim-test-…) is searchable by all, so only the socket's own mode can refuse.
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals("EACCES\n", connectAsNobody(socket, List.of()));
        assertEquals(0, cli("get", "pods").code(), "root still gets in");

        // Debian's adm group (gid 4) stands for the group an operator would name.
        Path grouped = base.resolve("grouped.sock");
        try (Daemon second = Daemon.start(new Daemon.Options(grouped, "adm", base.resolve("state2"), base.resolve("logs2"),
                base.resolve("images"), "podshim-test-grouped", BackoffPolicy.KUBERNETES, null))) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(grouped)));
            assertEquals("adm", Files.getAttribute(grouped, "posix:group").toString());
            assertEquals("connected\n", connectAsNobody(grouped, List.of(4L)), "a member of the group gets in");
            assertEquals("EACCES\n", connectAsNobody(grouped, List.of()), "a non-member still does not");
        }
    }

    /** Runs the static unix-connect helper as uid/gid 65534 with {@code groups}; returns what it printed. */
    private String connectAsNobody(Path socket, List<Long> groups) throws Exception {
        Path client = base.resolve("unix-connect");
        if (!Files.exists(client)) {
            Process cc = new ProcessBuilder("gcc", "-static", "-O1", "-o", client.toString(), "src/test/c/unix-connect.c")
                    .inheritIO().start();
            assertEquals(0, cc.waitFor());
        }
        Path exec = ExecStage.install(base.resolve("bin"));
        try (Pipe out = Pipe.open(); Pipe status = Pipe.open()) {
            ExecStage.Request asNobody = new ExecStage.Request(null, status.writeEnd(), null, null, List.of(), List.of(), null,
                    0L, 65534, 65534, groups, true, List.of(client.toString(), socket.toString()), List.of(),
                    Stdio.devNull(), Stdio.of(out.writeEnd()), Stdio.devNull());
            try (ChildProcess child = NamespaceThread.spawn(NamespacePlan.named("test-nobody").build(), ExecStage.spec(exec, asNobody))) {
                out.writeEnd().close();
                status.writeEnd().close();
                String said = new String(out.readEnd().readAllBytes(), StandardCharsets.UTF_8);
                child.waitFor();
                return said;
            }
        }
    }
}
