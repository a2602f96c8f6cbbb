package io.podshim.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.cgroups.CgroupHost;
import io.podshim.cgroups.CgroupLimits;
import io.podshim.cgroups.CgroupManager;
import io.podshim.cgroups.CgroupMode;
import io.podshim.cgroups.CgroupPath;
import io.podshim.linux.Capabilities;
import io.podshim.linux.Shim;
import io.podshim.linux.ExecStage;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.Namespace;
import io.podshim.linux.NamespaceId;
import io.podshim.linux.Pipe;
import io.podshim.linux.Stdio;
import io.podshim.pause.PauseBinary;
import io.podshim.pause.PodSandbox;
import io.podshim.pause.SandboxSpec;
import io.podshim.pause.Sandboxes;
import io.podshim.runtime.PodException;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.ImportProgress;
import io.podshim.runtime.image.StoredImage;
import io.podshim.runtime.image.TestImages;
import io.podshim.runtime.logs.CriLogFile;
import io.podshim.runtime.logs.LogPump;
import io.podshim.testing.CgroupV2;
import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@HostTest
class ContainerLauncherHostTest {
    private static final List<String> ENV = List.of("PATH=/bin");
    private static Path base;
    private static Path image;
    private static Sandboxes sandboxes;
    private static ContainerLauncher launcher;
    private static CgroupManager cgroups;
    private static CgroupPath cgroupRoot;

    private final List<PodSandbox> pods = new ArrayList<>();
    // Reaped after each test even when it fails: an unreaped child keeps its pod's pause from
    // exiting (KERNEL-NOTES #17), and the next tests would inherit the mess.
    private final List<ContainerProcess> launched = new ArrayList<>();
    private HostSnapshot before;

    @BeforeAll
    static void install() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        base = Path.of("/run/podshim-test-" + id);
        image = BusyboxImage.create(base.resolve("image"));
        sandboxes = new Sandboxes(base.resolve("sandboxes"), PauseBinary.install(base.resolve("bin")), Duration.ofSeconds(10));
        launcher = new ContainerLauncher(ExecStage.install(base.resolve("bin")), Shim.install(base.resolve("bin")));
        cgroups = CgroupManager.forHost(CgroupHost.detect());
        cgroupRoot = CgroupPath.of("podshim-test-" + id);
    }

    @AfterAll
    static void removeAll() throws IOException {
        cgroups.killAll(cgroupRoot, Duration.ofSeconds(10));
        cgroups.remove(cgroupRoot, Duration.ofSeconds(10));
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @BeforeEach
    void snapshot() {
        before = HostSnapshot.take();
    }

    @AfterEach
    void destroyPods() {
        launched.forEach(ContainerProcess::kill);
        pods.forEach(sandboxes::destroy);
        assertFalse(cgroups.exists(cgroupRoot) && !cgroups.pids(cgroupRoot).isEmpty(), "processes left in cgroups");
        cgroups.remove(cgroupRoot, Duration.ofSeconds(10));
        assertFalse(cgroups.exists(cgroupRoot), "cgroups left");
        assertEquals(List.of(), sandboxes.podUids(), "sandbox directories left");
        HostSnapshot.takeAndCompare(before);
    }

    private PodSandbox pod(String name) {
        PodSandbox pod = sandboxes.create(SandboxSpec.of(name, UUID.randomUUID().toString()));
        pods.add(pod);
        return pod;
    }

    private LaunchPlan plan(PodSandbox pod, String name, List<BindMount> volumes, Fd stdout, String... argv) {
        CgroupPath cgroup = cgroupRoot.child("pod" + pod.spec().podUid()).child(name);
        cgroups.create(cgroup);
        List<BindMount> mounts = new ArrayList<>(PodFiles.of(pod));
        mounts.addAll(volumes);
        return new LaunchPlan(pod.spec().podName(), name, pod, image, pod.directory().resolve("containers").resolve(name),
                false, mounts, List.of(argv), ENV, "/", -1, -1, List.of(), Capabilities.DEFAULT, false, true, true,
                cgroups, cgroup, stdout == null ? Stdio.devNull() : Stdio.of(stdout), Stdio.devNull());
    }

    /** {@code plan} with another image, root filesystem mode, argv, env and stdio; the rest kept. */
    private static LaunchPlan with(LaunchPlan plan, Path image, boolean readOnly, List<String> argv, List<String> env,
                                   Stdio stdout, Stdio stderr) {
        return new LaunchPlan(plan.podName(), plan.containerName(), plan.sandbox(), image, plan.bundle(), readOnly,
                plan.mounts(), argv, env, "/", -1, -1, List.of(), Capabilities.DEFAULT, false, true, true, cgroups,
                plan.cgroup(), stdout, stderr);
    }

    private ContainerProcess start(LaunchPlan plan) {
        Launched result = launcher.start(plan);
        assertEquals(java.util.Optional.empty(), result.failure());
        ContainerProcess process = result.running().orElseThrow();
        launched.add(process);
        return process;
    }

    private static String readAll(Pipe pipe) {
        pipe.writeEnd().close();
        return new String(pipe.readEnd().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aContainerJoinsThePodsNamespacesWithAMountNamespaceOfItsOwn() {
        PodSandbox pod = pod("ids");
        try (ContainerProcess sleeper = start(plan(pod, "app", List.of(), null, "sleep", "3600"))) {
            for (Namespace kind : List.of(Namespace.NET, Namespace.IPC, Namespace.UTS, Namespace.PID)) {
                assertEquals(NamespaceId.of(pod.pausePid(), kind), NamespaceId.of(sleeper.pid(), kind), kind.procName());
            }
            assertNotEquals(NamespaceId.of(pod.pausePid(), Namespace.MNT), NamespaceId.of(sleeper.pid(), Namespace.MNT));
            assertEquals(ExitStatus.killed(9, false), sleeper.kill());
        }
    }

    /** An HTTP server on the pod's localhost; it is bound some time after exec, so clients retry. */
    private static final String SERVER = "mkdir -p /www; echo hi > /www/index.html; exec httpd -f -p 127.0.0.1:8080 -h /www";
    private static final String FETCH = "until wget -q -O - http://127.0.0.1:8080/ 2>/dev/null; do :; done";

    @Test
    void twoContainersTalkOverLocalhostSeeThePodsHostnameAndEachOthersProcesses() {
        PodSandbox pod = pod("chat");
        try (Pipe clientOut = Pipe.open();
             ContainerProcess server = start(plan(pod, "server", List.of(), null, "sh", "-c", SERVER));
             ContainerProcess client = start(plan(pod, "client", List.of(), clientOut.writeEnd(), "sh", "-c",
                     FETCH + "; ps -o comm | grep -c '^httpd'; hostname"))) {
            assertEquals("hi\n1\nchat\n", readAll(clientOut), "fetched over localhost; sees the server's httpd; the pod's hostname");
            assertEquals(ExitStatus.exited(0), client.waitFor());
            assertEquals(ExitStatus.killed(9, false), server.kill());
        }
    }

    @Test
    void containersOfAPodShareIpcAndShmWhileAnotherPodSeesNoneOfItNorItsProcessesOrLocalhost() {
        PodSandbox first = pod("first");
        PodSandbox second = pod("second");
        try (ContainerProcess server = start(plan(first, "server", List.of(), null, "sh", "-c", SERVER));
             ContainerProcess maker = start(plan(first, "maker", List.of(), null, "sh", "-c",
                     "sysv-sem create 4242 && echo segment > /dev/shm/posix-seg; " + FETCH + " >/dev/null"))) {
            // Once the maker has fetched the page, the server listens and the IPC objects exist.
            assertEquals(ExitStatus.exited(0), maker.waitFor());
            String probe = "sysv-sem exists 4242; cat /dev/shm/posix-seg 2>/dev/null || echo no-shm; hostname; "
                    + "ps -o comm | grep -c '^httpd'; wget -q -O - http://127.0.0.1:8080/ 2>/dev/null || echo refused";
            try (Pipe sameOut = Pipe.open(); Pipe otherOut = Pipe.open();
                 ContainerProcess other = start(plan(second, "probe", List.of(), otherOut.writeEnd(), "sh", "-c", probe))) {
                assertEquals("absent\nno-shm\nsecond\n0\nrefused\n", readAll(otherOut), "another pod");
                assertEquals(ExitStatus.exited(0), other.waitFor());
                try (ContainerProcess same = start(plan(first, "probe", List.of(), sameOut.writeEnd(), "sh", "-c", probe))) {
                    assertEquals("present\nsegment\nfirst\n1\nhi\n", readAll(sameOut), "the same pod");
                    assertEquals(ExitStatus.exited(0), same.waitFor());
                }
            }
            assertEquals(ExitStatus.killed(9, false), server.kill());
        }
    }

    @Test
    void aMemoryEmptyDirIsATmpfsBoundedByItsSizeLimitAndSharedInThePodOnly() {
        PodSandbox pod = pod("memvol");
        PodVolumes volumes = PodVolumes.prepare(pod, List.of(new Volume("cache", new Volume.EmptyDir("Memory", 8L << 20))));
        List<BindMount> mounts = volumes.mountsFor(List.of(new VolumeMount("cache", "/cache", false, null)), "spec.containers[0]");
        try (Pipe out = Pipe.open(); ContainerProcess writer = start(plan(pod, "writer", mounts, out.writeEnd(), "sh", "-c",
                "grep ' /cache ' /proc/mounts | cut -d' ' -f3; echo kept > /cache/note; "
                        + "dd if=/dev/zero of=/cache/big bs=1M count=16 2>/dev/null || echo full"))) {
            assertEquals("tmpfs\nfull\n", readAll(out));
            assertEquals(ExitStatus.exited(0), writer.waitFor());
        }
        try (Pipe out = Pipe.open(); ContainerProcess reader = start(plan(pod, "reader", mounts, out.writeEnd(), "cat", "/cache/note"))) {
            assertEquals("kept\n", readAll(out));
            assertEquals(ExitStatus.exited(0), reader.waitFor());
        }
        assertFalse(Files.exists(pod.volumesDir().resolve("cache/note")), "the tmpfs is mounted in the pod only");
    }

    @Test
    void hostPathTypesAreCheckedAsKubeletChecksThem() throws IOException {
        PodSandbox pod = pod("hostpath");
        Path host = Files.createDirectories(base.resolve("host-" + UUID.randomUUID()));
        Path created = host.resolve("made/by/podshim");
        PodVolumes.prepare(pod, List.of(new Volume("made", new Volume.HostPath(created.toString(), "DirectoryOrCreate"))));
        assertTrue(Files.isDirectory(created));
        Map<String, String> errors = new java.util.LinkedHashMap<>();
        errors.put("Directory", "spec.volumes[0].hostPath.path: " + host.resolve("missing") + " is not an existing directory (type Directory)");
        errors.put("File", "spec.volumes[0].hostPath.path: " + host.resolve("missing") + " is not an existing file (type File)");
        errors.put("Sideways", "spec.volumes[0].hostPath.type: \"Sideways\" is not a hostPath type");
        for (Map.Entry<String, String> e : errors.entrySet()) {
            PodException error = org.junit.jupiter.api.Assertions.assertThrows(PodException.class, () -> PodVolumes.prepare(pod,
                    List.of(new Volume("v", new Volume.HostPath(host.resolve("missing").toString(), e.getKey())))));
            assertTrue(error.getMessage().startsWith(e.getValue()), error.getMessage());
        }
    }

    @Test
    void aSubPathStaysInsideItsVolumeAndBadMountsNameTheirField() throws IOException {
        PodSandbox pod = pod("subpath");
        PodVolumes volumes = PodVolumes.prepare(pod, List.of(new Volume("data", new Volume.EmptyDir("", null))));
        Path data = pod.volumesDir().resolve("data");
        Files.createSymbolicLink(data.resolve("out"), Path.of("/etc"));
        List<BindMount> mounts = volumes.mountsFor(List.of(new VolumeMount("data", "/sub", false, "out/podshim-subpath")),
                "spec.containers[0]");
        assertEquals(data.resolve("etc/podshim-subpath"), mounts.get(0).source(), "the link is followed inside the volume");
        assertFalse(Files.exists(Path.of("/etc/podshim-subpath")));
        PodException climb = org.junit.jupiter.api.Assertions.assertThrows(PodException.class, () -> volumes.mountsFor(
                List.of(new VolumeMount("data", "/x", false, "../../etc")), "spec.containers[1]"));
        assertEquals("spec.containers[1].volumeMounts[0].subPath: \"../../etc\" must be a relative path without '..'",
                climb.getMessage());
        PodException unknown = org.junit.jupiter.api.Assertions.assertThrows(PodException.class, () -> volumes.mountsFor(
                List.of(new VolumeMount("logs", "/logs", false, null)), "spec.initContainers[0]"));
        assertEquals("spec.initContainers[0].volumeMounts[0].name: no volume named \"logs\" in spec.volumes", unknown.getMessage());
    }

    @Test
    void aVolumeWrittenByOneContainerIsReadByTheOther() throws IOException {
        PodSandbox pod = pod("share");
        Path volume = Files.createDirectories(pod.volumesDir().resolve("data"));
        List<BindMount> mounts = List.of(new BindMount(volume, "/data", false));
        try (ContainerProcess writer = start(plan(pod, "writer", mounts, null, "sh", "-c", "echo from-writer > /data/note"))) {
            assertEquals(ExitStatus.exited(0), writer.waitFor());
        }
        try (Pipe out = Pipe.open(); ContainerProcess reader = start(plan(pod, "reader", mounts, out.writeEnd(), "cat", "/data/note"))) {
            assertEquals("from-writer\n", readAll(out));
            assertEquals(ExitStatus.exited(0), reader.waitFor());
        }
    }

    @Test
    void theContainerIsInItsCgroupAndUnderItsLimitsFromItsFirstInstruction() {
        PodSandbox pod = pod("cgroup");
        LaunchPlan plan = plan(pod, "app", List.of(), null, "unused");
        cgroups.apply(plan.cgroup(), new CgroupLimits(100, null, 64L << 20, 32L));
        // cat runs straight from exec: its first reads are its own cgroups and limits. On v2 it sees
        // them from a cgroup namespace of its own, rooted at its cgroup; on v1 with the host's paths.
        boolean v2 = cgroups.mode() == CgroupMode.V2;
        String memoryLimit = v2 ? "/sys/fs/cgroup/memory.max" : "/sys/fs/cgroup/memory/memory.limit_in_bytes";
        try (Pipe out = Pipe.open(); ContainerProcess cat = start(with(plan, image, false,
                List.of("cat", "/proc/self/cgroup", memoryLimit), ENV, Stdio.of(out.writeEnd()), Stdio.devNull()))) {
            String seen = readAll(out);
            assertTrue(v2 ? seen.startsWith("0::/\n") : seen.contains(":/" + plan.cgroup() + "\n"), seen);
            assertTrue(seen.endsWith("\n67108864\n"), seen);
            assertEquals(ExitStatus.exited(0), cat.waitFor());
        }
    }

    @Test
    void onCgroupV2EachContainerSeesOnlyItsOwnCgroupReadOnlyThroughANamespaceOfItsOwn() {
        CgroupV2.assumeAvailable(cgroups.mode() == CgroupMode.V2 ? null
                : "a private cgroup namespace per container is the cgroup v2 view; this host is " + cgroups.mode());
        PodSandbox pod = pod("cgroupns");
        Pipe out = Pipe.open();
        LaunchPlan plan = plan(pod, "look", List.of(), out.writeEnd(), "sh", "-c",
                "grep ' /sys/fs/cgroup ' /proc/self/mounts; cat /proc/self/cgroup; find /sys/fs/cgroup -mindepth 1 -type d | wc -l; "
                        + "echo 1 > /sys/fs/cgroup/cgroup.freeze 2>/dev/null || echo read-only; exec sleep 3600");
        try (out; ContainerProcess look = start(plan); ContainerProcess other = start(plan(pod, "other", List.of(), null, "sleep", "3600"))) {
            out.writeEnd().close();
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                lines.add(readLine(out.readEnd()));
            }
            assertTrue(lines.get(0).startsWith("cgroup2 /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec"), lines.get(0));
            assertEquals("0::/", lines.get(1), "its own cgroup is the root of its view");
            assertEquals("0", lines.get(2).trim(), "no other cgroup is visible from inside");
            assertEquals("read-only", lines.get(3));
            NamespaceId host = NamespaceId.of(ProcessHandle.current().pid(), Namespace.CGROUP);
            assertNotEquals(host, NamespaceId.of(look.pid(), Namespace.CGROUP));
            assertNotEquals(NamespaceId.of(look.pid(), Namespace.CGROUP), NamespaceId.of(other.pid(), Namespace.CGROUP));
            assertEquals(host, NamespaceId.of(pod.pausePid(), Namespace.CGROUP), "the pause stays in the host's");
            assertEquals(List.of((long) look.pid()), cgroups.pids(plan.cgroup()), "the host sees it in its cgroup");
            assertEquals(ExitStatus.killed(9, false), look.kill());
            assertEquals(ExitStatus.killed(9, false), other.kill());
        }
    }

    private static String readLine(Fd fd) {
        StringBuilder line = new StringBuilder();
        byte[] one = new byte[1];
        while (fd.read(one) == 1 && one[0] != '\n') {
            line.append((char) one[0]);
        }
        return line.toString();
    }

    @Test
    void aMissingProgramIsAStartErrorNamingIt() {
        Launched launched = launcher.start(plan(pod("missing"), "app", List.of(), null, "/bin/nginx"));
        assertEquals("exec: \"/bin/nginx\": no such file or directory", launched.failure().orElseThrow().message());
        assertEquals(ExitStatus.exited(128), launched.failedExit());
    }

    @Test
    void aContainerBeyondItsMemoryLimitIsReportedOomKilledWithExitCode137() {
        PodSandbox pod = pod("oom");
        LaunchPlan plan = plan(pod, "hog", List.of(), null, "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1");
        cgroups.apply(plan.cgroup(), new CgroupLimits(0, null, 32L << 20, null));
        long before = Math.max(0, cgroups.stats(plan.cgroup()).oomKills());
        try (ContainerProcess hog = start(plan)) {
            ExitStatus status = hog.waitFor();
            assertEquals(new Termination("OOMKilled", 137, ""), Termination.of(status, cgroups.oomKills(plan.cgroup(), before)));
        }
    }

    @Test
    void exitCodesAndSignalDeathsAreReportedExactly() {
        PodSandbox pod = pod("exits");
        try (ContainerProcess three = start(plan(pod, "three", List.of(), null, "sh", "-c", "exit 3"));
             ContainerProcess killed = start(plan(pod, "killed", List.of(), null, "sh", "-c", "kill -KILL $$"))) {
            assertEquals(ExitStatus.exited(3), three.waitFor());
            assertEquals(ExitStatus.killed(9, false), killed.waitFor());
        }
    }

    @Test
    void aContainerRunsFromAnImportedOciImageWithItsEntrypointCmdAndEnv() throws IOException {
        byte[] config = TestImages.config(List.of("/bin/sh", "-c"), List.of("echo \"$GREETING from $(id -u)\""),
                List.of("PATH=/bin", "GREETING=from-image"));
        Path layout = TestImages.ociLayout(base.resolve("layout-" + UUID.randomUUID()), "1.0", config,
                List.of(TestImages.busyboxLayer()));
        StoredImage stored = new ImageStore(base.resolve("store")).importImage(layout, "greeter:1.0", ImportProgress.NONE);
        PodSandbox pod = pod("image");
        LaunchPlan plan = plan(pod, "greeter", List.of(), null, "unused");
        try (Pipe out = Pipe.open(); ContainerProcess greeter = start(with(plan, stored.rootfs(), true,
                ProcessCommand.argv(stored.config().entrypoint(), stored.config().cmd(), null, null),
                ProcessCommand.env(stored.config().env(), Map.of()), Stdio.of(out.writeEnd()), Stdio.devNull()))) {
            assertEquals("from-image from 0\n", readAll(out));
            assertEquals(ExitStatus.exited(0), greeter.waitFor());
        }
    }

    @Test
    void aReadOnlyRootFilesystemRefusesWritesButKeepsVolumesWritable() throws IOException {
        PodSandbox pod = pod("readonly");
        Path volume = Files.createDirectories(pod.volumesDir().resolve("scratch"));
        LaunchPlan plan = plan(pod, "app", List.of(new BindMount(volume, "/scratch", false)), null, "unused");
        try (Pipe out = Pipe.open(); ContainerProcess app = start(with(plan, image, true, List.of("sh", "-c",
                "touch /root/x 2>/dev/null || echo rootfs-ro; touch /scratch/x && echo volume-rw; echo shm > /dev/shm/x && echo shm-rw"),
                ENV, Stdio.of(out.writeEnd()), Stdio.devNull()))) {
            assertEquals("rootfs-ro\nvolume-rw\nshm-rw\n", readAll(out));
            assertEquals(ExitStatus.exited(0), app.waitFor());
        }
    }

    @Test
    void aContainersOutputIsLoggedPerRunInCriFormat() throws IOException {
        PodSandbox pod = pod("logs");
        Path logFile = pod.directory().resolve("logs/app/0.log");
        try (LogPump pump = new LogPump(); CriLogFile log = new CriLogFile(logFile); Pipe out = Pipe.open(); Pipe err = Pipe.open()) {
            LaunchPlan plan = plan(pod, "app", List.of(), null, "sh", "-c", "echo started; echo failed >&2; exit 2");
            plan = with(plan, image, false, plan.argv(), ENV, Stdio.of(out.writeEnd()), Stdio.of(err.writeEnd()));
            try (ContainerProcess app = start(plan)) {
                var stdout = pump.attach(out.readEnd().dupAtLeast(0), log, CriLogFile.Stream.STDOUT);
                var stderr = pump.attach(err.readEnd().dupAtLeast(0), log, CriLogFile.Stream.STDERR);
                out.close();
                err.close();
                assertEquals(ExitStatus.exited(2), app.waitFor());
                java.util.concurrent.CompletableFuture.allOf(stdout, stderr).join();
            }
        }
        List<String> records = Files.readAllLines(logFile).stream().map(r -> r.substring(r.indexOf(' ') + 1)).sorted().toList();
        assertEquals(List.of("stderr F failed", "stdout F started"), records);
    }

    @Test
    void theContainerSeesARuncLikeDevSysAndProcWithDefaultCapabilities() {
        PodSandbox pod = pod("view");
        try (Pipe out = Pipe.open(); ContainerProcess look = start(plan(pod, "look", List.of(), out.writeEnd(), "sh", "-c",
                "ls /dev | tr '\\n' ' '; echo; ls /sys/class/net | tr '\\n' ' '; echo; wc -c < /proc/timer_list; "
                        + "grep CapEff /proc/self/status; cat /etc/hostname; touch /sys/x 2>/dev/null || echo sys-ro"))) {
            List<String> lines = List.of(readAll(out).split("\n"));
            assertEquals("fd full null ptmx pts random shm stderr stdin stdout tty urandom zero ", lines.get(0));
            assertEquals("lo ", lines.get(1), "sysfs of the pod's network namespace");
            assertEquals("0", lines.get(2).trim(), "masked");
            assertEquals(String.format("CapEff:\t%016x", Capabilities.DEFAULT), lines.get(3));
            assertEquals("view", lines.get(4));
            assertEquals("sys-ro", lines.get(5));
            assertEquals(ExitStatus.exited(0), look.waitFor());
        }
    }
}
