package io.podshim.runtime.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.podshim.cgroups.CgroupPath;
import io.podshim.cri.v1.ContainerConfig;
import io.podshim.cri.v1.ContainerFilter;
import io.podshim.cri.v1.ContainerMetadata;
import io.podshim.cri.v1.ContainerState;
import io.podshim.cri.v1.ContainerStateValue;
import io.podshim.cri.v1.ContainerStatsRequest;
import io.podshim.cri.v1.ContainerStatus;
import io.podshim.cri.v1.ContainerStatusRequest;
import io.podshim.cri.v1.CreateContainerRequest;
import io.podshim.cri.v1.ExecSyncRequest;
import io.podshim.cri.v1.ExecSyncResponse;
import io.podshim.cri.v1.ImageSpec;
import io.podshim.cri.v1.ImageStatusRequest;
import io.podshim.cri.v1.KeyValue;
import io.podshim.cri.v1.LinuxContainerConfig;
import io.podshim.cri.v1.LinuxContainerResources;
import io.podshim.cri.v1.LinuxContainerSecurityContext;
import io.podshim.cri.v1.LinuxPodSandboxConfig;
import io.podshim.cri.v1.LinuxSandboxSecurityContext;
import io.podshim.cri.v1.ListContainersRequest;
import io.podshim.cri.v1.ListImagesRequest;
import io.podshim.cri.v1.ListPodSandboxRequest;
import io.podshim.cri.v1.ListPodSandboxStatsRequest;
import io.podshim.cri.v1.NamespaceMode;
import io.podshim.cri.v1.NamespaceOption;
import io.podshim.cri.v1.PodSandboxConfig;
import io.podshim.cri.v1.PodSandboxFilter;
import io.podshim.cri.v1.PodSandboxMetadata;
import io.podshim.cri.v1.PodSandboxState;
import io.podshim.cri.v1.PodSandboxStateValue;
import io.podshim.cri.v1.PodSandboxStatsRequest;
import io.podshim.cri.v1.PodSandboxStatusRequest;
import io.podshim.cri.v1.RemoveContainerRequest;
import io.podshim.cri.v1.RemovePodSandboxRequest;
import io.podshim.cri.v1.ReopenContainerLogRequest;
import io.podshim.cri.v1.RunPodSandboxRequest;
import io.podshim.cri.v1.StartContainerRequest;
import io.podshim.cri.v1.StopContainerRequest;
import io.podshim.cri.v1.StopPodSandboxRequest;
import io.podshim.testing.FileWait;
import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import io.podshim.testing.Patience;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CRI driven as crictl and kubelet drive it, through a gRPC client on the real socket, with
 * real sandboxes and containers: each story leaves nothing behind (mounts, processes, descriptors,
 * cgroups, sandbox directories).
 */
@HostTest
class CriHostTest {
    private static CriNode node;
    private static Path logs;

    @BeforeAll
    static void start() throws Exception {
        node = new CriNode();
        logs = node.base.resolve("pod-logs");
    }

    /** A story that failed half-way leaves its sandbox; it is removed here so the next story starts clean. */
    @org.junit.jupiter.api.AfterEach
    void removeWhatIsLeft() {
        node.runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList().forEach(p -> rmp(p.getId()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    static PodSandboxConfig sandbox(String name) {
        return sandbox(name, NamespaceMode.POD);
    }

    static PodSandboxConfig sandbox(String name, NamespaceMode pid) {
        return CriNode.sandbox(name, logs, pid);
    }

    static ContainerConfig.Builder container(String name, String... command) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(CriNode.IMAGE)).addAllCommand(List.of(command))
                .addEnvs(KeyValue.newBuilder().setKey("PATH").setValue("/bin")).setLogPath(name + "/0.log")
                .putLabels("container", name);
    }

    private static String runp(PodSandboxConfig config) {
        return node.runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    private static String create(String sandbox, PodSandboxConfig config, ContainerConfig.Builder container) {
        return node.runtime.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(sandbox).setConfig(container)
                .setSandboxConfig(config).build()).getContainerId();
    }

    private static void start(String container) {
        node.runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(container).build());
    }

    private static ExecSyncResponse exec(String container, String... cmd) {
        return node.runtime.execSync(ExecSyncRequest.newBuilder().setContainerId(container).addAllCmd(List.of(cmd)).build());
    }

    private static ContainerStatus status(String container) {
        return node.runtime.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(container).build()).getStatus();
    }

    /** The container's status once its CONTAINER_STOPPED_EVENT came, as kubelet's evented PLEG hears of it. */
    private static ContainerStatus awaitExited(CriEvents events, String container) throws InterruptedException {
        var event = events.await(container, io.podshim.cri.v1.ContainerEventType.CONTAINER_STOPPED_EVENT,
                Patience.of(Duration.ofSeconds(20)));
        ContainerStatus inEvent = event.getContainersStatusesList().stream().filter(c -> c.getId().equals(container)).findFirst()
                .orElseThrow(() -> new AssertionError("the event carries the container's status: " + event));
        assertEquals(ContainerState.CONTAINER_EXITED, inEvent.getState(), "as the event tells it");
        return status(container);
    }

    private static void stopp(String sandbox) {
        node.runtime.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build());
    }

    private static void rmp(String sandbox) {
        node.runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build());
    }

    private static void assertGone(HostSnapshot before) throws Exception {
        HostSnapshot.takeAndCompare(before);
        assertEquals(List.of(), node.runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList());
        assertEquals(List.of(), node.runtime.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList());
        try (var left = Files.list(node.base.resolve("state/sandboxes"))) {
            assertEquals(List.of(), left.toList(), "sandbox directories");
        }
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids").resolve(node.cgroupRoot).resolve("cri"))
                || Files.exists(Path.of("/sys/fs/cgroup").resolve(node.cgroupRoot).resolve("cri")), "the CRI's cgroup level");
    }

    @Test
    void whatCrictlDoesFromRunpToRmpLeavesNothingBehind() throws Exception {
        HostSnapshot before = HostSnapshot.take();
        PodSandboxConfig config = sandbox("walk");
        String pod = runp(config);
        var sandboxStatus = node.runtime.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod).build()).getStatus();
        assertEquals(PodSandboxState.SANDBOX_READY, sandboxStatus.getState());
        assertEquals(config.getMetadata(), sandboxStatus.getMetadata());
        assertEquals("walk", sandboxStatus.getLabelsMap().get("app"));
        assertTrue(sandboxStatus.getCreatedAt() > 1_600_000_000L * 1_000_000_000L, "nanoseconds since the epoch: " + sandboxStatus);

        String app = create(pod, config, container("app", "sh", "-c", "echo hello from $HOSTNAME; echo to stderr >&2; exec sleep 3600"));
        assertEquals(ContainerState.CONTAINER_CREATED, status(app).getState());
        start(app);
        ContainerStatus running = status(app);
        assertEquals(ContainerState.CONTAINER_RUNNING, running.getState());
        assertTrue(running.getStartedAt() >= running.getCreatedAt(), running.toString());
        Path log = Path.of(config.getLogDirectory()).resolve("app/0.log");
        assertEquals(log.toString(), running.getLogPath(), "where kubelet said");

        ExecSyncResponse hostname = exec(app, "hostname");
        assertEquals(0, hostname.getExitCode());
        assertEquals("walk\n", hostname.getStdout().toString(StandardCharsets.UTF_8), "the sandbox's hostname");
        ExecSyncResponse failed = exec(app, "sh", "-c", "echo out; echo err >&2; exit 7");
        assertEquals(7, failed.getExitCode());
        assertEquals("err\n", failed.getStderr().toString(StandardCharsets.UTF_8));

        // The log, in the CRI format kubelet reads, once the lines are there.
        FileWait.contains(log, "stderr F to stderr", Patience.of(Duration.ofSeconds(10)));
        String logged = Files.readString(log);
        assertTrue(logged.matches("(?s)\\d{4}-\\d\\d-\\d\\dT[^ ]+Z stdout F hello from walk\n.*"), logged);

        var stats = node.runtime.containerStats(ContainerStatsRequest.newBuilder().setContainerId(app).build()).getStats();
        assertEquals(app, stats.getAttributes().getId());
        assertTrue(stats.getMemory().getWorkingSetBytes().getValue() > 0, stats.toString());
        assertTrue(stats.getCpu().getUsageCoreNanoSeconds().getValue() > 0, stats.toString());
        var podStats = node.runtime.podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(pod).build()).getStats();
        assertEquals(1, podStats.getLinux().getContainersCount());
        assertTrue(podStats.getLinux().getProcess().getProcessCount().getValue() >= 2, "the pause and the app: " + podStats);
        assertEquals(1, node.runtime.listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance()).getStatsCount());

        // A prefix of an id is the id, as crictl lets its user type it.
        assertEquals(app, node.runtime.listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .setId(app.substring(0, 12))).build()).getContainers(0).getId());

        node.runtime.stopContainer(StopContainerRequest.newBuilder().setContainerId(app).setTimeout(10).build());
        ContainerStatus stopped = status(app);
        assertEquals(ContainerState.CONTAINER_EXITED, stopped.getState());
        assertEquals(143, stopped.getExitCode(), "sh ended by SIGTERM");
        assertEquals("Error", stopped.getReason());
        assertTrue(stopped.getFinishedAt() >= stopped.getStartedAt(), stopped.toString());
        node.runtime.stopContainer(StopContainerRequest.newBuilder().setContainerId(app).setTimeout(10).build()); // idempotent
        node.runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(app).build());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> status(app)).getStatus().getCode());
        node.runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(app).build()); // idempotent
        assertTrue(Files.readString(log).contains("stdout F hello from walk"), "the log is kubelet's: it stays");

        stopp(pod);
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, node.runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                .getItems(0).getState());
        stopp(pod);
        rmp(pod);
        rmp(pod);
        assertGone(before);
    }

    @Test
    void twoContainersOfASandboxShareItsNetworkAndPidsOnlyAsAsked() throws Exception {
        HostSnapshot before = HostSnapshot.take();
        PodSandboxConfig config = sandbox("pair", NamespaceMode.CONTAINER);
        String pod = runp(config);
        String server = create(pod, config, pid(container("server", "sh", "-c", "while true; do echo pong | nc -l -p 8080; done"),
                NamespaceMode.CONTAINER));
        String client = create(pod, config, pid(container("client", "sleep", "3600"), NamespaceMode.CONTAINER));
        String shared = create(pod, config, pid(container("shared", "sleep", "3600"), NamespaceMode.POD));
        for (String c : List.of(server, client, shared)) {
            start(c);
        }
        assertEquals(text(exec(server, "readlink", "/proc/self/ns/net")), text(exec(client, "readlink", "/proc/self/ns/net")));
        assertNotEquals(text(exec(server, "readlink", "/proc/self/ns/pid")), text(exec(client, "readlink", "/proc/self/ns/pid")),
                "pid CONTAINER: a pid namespace each");
        assertEquals("1\n", text(exec(client, "sh", "-c", "pidof sleep")), "its own sleep is its pid 1");
        assertTrue(text(exec(shared, "ps", "-o", "comm")).contains("pause"), "pid POD: the sandbox's namespace, the pause in it");
        long deadline = System.nanoTime() + Patience.of(Duration.ofSeconds(10)).toNanos();
        ExecSyncResponse reply;
        while (!(reply = exec(client, "sh", "-c", "nc 127.0.0.1 8080 </dev/null")).getStdout().toString(StandardCharsets.UTF_8)
                .contains("pong")) {
            assertTrue(System.nanoTime() < deadline, "the server never answered on the pod's loopback: " + reply);
            Thread.sleep(50);
        }
        stopp(pod); // kubelet stops a sandbox with its containers running: they are killed
        for (String c : List.of(server, client, shared)) {
            assertEquals(ContainerState.CONTAINER_EXITED, status(c).getState());
        }
        rmp(pod);
        assertGone(before);
    }

    /** The pid namespace option kubelet sets on every container (CONTAINER unless shareProcessNamespace). */
    private static ContainerConfig.Builder pid(ContainerConfig.Builder c, NamespaceMode mode) {
        return c.setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                .setNamespaceOptions(NamespaceOption.newBuilder().setPid(mode))));
    }

    private static String text(ExecSyncResponse r) {
        assertEquals(0, r.getExitCode(), r.getStderr().toString(StandardCharsets.UTF_8));
        return r.getStdout().toString(StandardCharsets.UTF_8);
    }

    @Test
    void aContainerOverItsMemoryLimitIsReportedOomKilled() throws Exception {
        HostSnapshot before = HostSnapshot.take();
        PodSandboxConfig config = sandbox("oom");
        String pod = runp(config);
        String hog = create(pod, config, container("hog", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1")
                .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                        .setMemoryLimitInBytes(32L << 20).setCpuShares(256))));
        String done = create(pod, config, container("done", "true"));
        ContainerStatus killed;
        ContainerStatus completed;
        try (CriEvents events = new CriEvents(node.channel)) {
            start(hog);
            start(done);
            killed = awaitExited(events, hog);
            completed = awaitExited(events, done);
            assertEquals(pod, events.await(done, io.podshim.cri.v1.ContainerEventType.CONTAINER_STARTED_EVENT, Duration.ZERO)
                    .getPodSandboxStatus().getId(), "each event carries its sandbox");
        }
        assertEquals("OOMKilled", killed.getReason(), killed.toString());
        assertEquals(137, killed.getExitCode());
        assertEquals("Completed", completed.getReason());
        assertEquals(0, completed.getExitCode());
        assertEquals(List.of(done), node.runtime.listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_EXITED)).putLabelSelector("container", "done"))
                .build()).getContainersList().stream().map(c -> c.getId()).toList(), "filtered by state and label");
        rmp(pod); // removes its containers too
        assertGone(before);
    }

    @Test
    void badRequestsNameTheFieldAndLeaveNothing() throws Exception {
        HostSnapshot before = HostSnapshot.take();
        StatusRuntimeException noName = assertThrows(StatusRuntimeException.class, () -> runp(sandbox("x").toBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setNamespace("default").setUid("u")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, noName.getStatus().getCode());
        assertEquals("config.metadata.name: required", noName.getStatus().getDescription());
        StatusRuntimeException slice = assertThrows(StatusRuntimeException.class, () -> runp(sandbox("x").toBuilder()
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("kubepods-besteffort.slice")).build()));
        assertTrue(slice.getStatus().getDescription().contains("--cgroup-driver=cgroupfs"), slice.getStatus().toString());

        PodSandboxConfig config = sandbox("bad");
        String pod = runp(config);
        StatusRuntimeException noImage = assertThrows(StatusRuntimeException.class, () -> create(pod, config, container("c", "true")
                .setImage(ImageSpec.newBuilder().setImage("nowhere/none:1"))));
        assertEquals(Status.Code.NOT_FOUND, noImage.getStatus().getCode());
        StatusRuntimeException capability = assertThrows(StatusRuntimeException.class, () -> create(pod, config, container("c", "true")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setCapabilities(io.podshim.cri.v1.Capability.newBuilder().addAddCapabilities("NET_MAGIC"))))));
        assertEquals(Status.Code.INVALID_ARGUMENT, capability.getStatus().getCode());
        assertTrue(capability.getStatus().getDescription().startsWith("config.linux.security_context.capabilities.add: "),
                capability.getStatus().getDescription());
        String missing = create(pod, config, container("missing", "/no/such/program"));
        StatusRuntimeException cannotStart = assertThrows(StatusRuntimeException.class, () -> start(missing));
        assertTrue(cannotStart.getStatus().getDescription().contains("/no/such/program"), cannotStart.getStatus().toString());
        ContainerStatus startError = status(missing);
        assertEquals(ContainerState.CONTAINER_EXITED, startError.getState());
        assertEquals(128, startError.getExitCode());
        assertEquals("StartError", startError.getReason());
        assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class, () -> start(missing)).getStatus()
                .getCode(), "a CRI container runs once");
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> node.runtime.podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId("0000").build())).getStatus().getCode());
        String sleeper = create(pod, config, container("sleeper", "sleep", "3600"));
        start(sleeper);
        StatusRuntimeException timedOut = assertThrows(StatusRuntimeException.class, () -> node.runtime.execSync(
                ExecSyncRequest.newBuilder().setContainerId(sleeper).addAllCmd(List.of("sleep", "60")).setTimeout(1).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, timedOut.getStatus().getCode());
        node.runtime.reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(sleeper).build());
        rmp(pod);
        assertGone(before);
    }

    @Test
    void logsAreReopenedWhereKubeletRotatedThem() throws Exception {
        HostSnapshot before = HostSnapshot.take();
        PodSandboxConfig config = sandbox("rotate");
        String pod = runp(config);
        Path go = Path.of(config.getLogDirectory()).resolve("go");
        Files.createDirectories(go.getParent());
        String app = create(pod, config, container("app", "sh", "-c", "echo first; while [ ! -e /x/go ]; do sleep 0.05; done; echo second;"
                + " exec sleep 3600").addMounts(io.podshim.cri.v1.Mount.newBuilder().setHostPath(go.getParent().toString())
                .setContainerPath("/x")));
        start(app);
        Path log = Path.of(config.getLogDirectory()).resolve("app/0.log");
        FileWait.contains(log, "stdout F first", Patience.of(Duration.ofSeconds(10)));
        Path rotated = log.resolveSibling("0.log.1");
        Files.move(log, rotated);
        node.runtime.reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(app).build());
        Files.writeString(go, "");
        FileWait.contains(log, "stdout F second", Patience.of(Duration.ofSeconds(10)));
        assertFalse(Files.readString(log).contains("first"), "the new file has only what came after");
        assertFalse(Files.readString(rotated).contains("second"), "the old one nothing after the reopen");
        rmp(pod);
        assertGone(before);
    }

    @Test
    void imagesOfTheStoreAreListedByNameAndId() {
        var images = node.imageService.listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
        assertEquals(1, images.size(), images.toString());
        assertEquals(List.of(CriNode.IMAGE), images.get(0).getRepoTagsList());
        String id = images.get(0).getId();
        assertEquals(id, node.imageService.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder()
                .setImage(CriNode.IMAGE)).build()).getImage().getId());
        assertFalse(node.imageService.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder()
                .setImage("nowhere/none:1")).build()).hasImage(), "absent is an empty answer, how kubelet asks whether to pull");
    }

    @Test
    void aCgroupParentIsHonouredAndLeftToItsOwner() throws Exception {
        CgroupPath parent = CgroupPath.of(node.cgroupRoot + "-kubepods", "burstable", "pod" + UUID.randomUUID());
        PodSandboxConfig config = sandbox("parent").toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder()
                .setCgroupParent("/" + parent)).build();
        String pod = runp(config);
        String app = create(pod, config, container("app", "sleep", "3600"));
        start(app);
        io.podshim.cgroups.CgroupManager cgroups = io.podshim.cgroups.CgroupManager.forHost(io.podshim.cgroups.CgroupHost.detect());
        long pid = CriNode.pid(node.runtime, app);
        assertEquals(List.of(pid), cgroups.pids(parent.child(pod).child(app)), "the app, in its cgroup below kubelet's pod cgroup");
        rmp(pod);
        assertTrue(cgroups.exists(parent), "kubelet's own cgroup stays: it is kubelet's to remove");
        assertFalse(cgroups.exists(parent.child(pod)), "podshim's below it is gone");
        cgroups.remove(CgroupPath.of(node.cgroupRoot + "-kubepods"), Duration.ofSeconds(5));
    }

    @Test
    void execAndPortForwardGoThroughTheStreamingServerInSpdy() throws Exception {
        HostSnapshot before = HostSnapshot.take();
        PodSandboxConfig config = sandbox("streams");
        String pod = runp(config);
        String app = create(pod, config, container("app", "sleep", "3600"));
        String server = create(pod, config, container("server", "sh", "-c",
                "while true; do nc -l -p 8080 -e sh -c 'read line; echo pong $line'; done"));
        start(app);
        start(server);

        String url = node.runtime.exec(io.podshim.cri.v1.ExecRequest.newBuilder().setContainerId(app).addAllCmd(List.of("sh", "-c",
                "cat; echo err >&2; exit 3")).setStdin(true).setStdout(true).setStderr(true).build()).getUrl();
        assertTrue(url.startsWith("http://127.0.0.1:"), "on the node's loopback only: " + url);
        try (SpdyClient client = new SpdyClient(url, "v4.channel.k8s.io")) {
            // In the order client-go opens them: error first.
            SpdyClient.Stream error = client.open(java.util.Map.of("streamtype", "error"));
            SpdyClient.Stream stdin = client.open(java.util.Map.of("streamtype", "stdin"));
            SpdyClient.Stream stdout = client.open(java.util.Map.of("streamtype", "stdout"));
            SpdyClient.Stream stderr = client.open(java.util.Map.of("streamtype", "stderr"));
            client.send(stdin, "hello through SPDY\n", true); // the FIN is cat's end of file
            Duration patience = Patience.of(Duration.ofSeconds(10));
            assertEquals("hello through SPDY\n", stdout.text(patience));
            assertEquals("err\n", stderr.text(patience));
            var status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(error.text(patience));
            assertEquals("NonZeroExitCode", status.path("reason").asText(), status.toString());
            assertEquals("3", status.path("details").path("causes").path(0).path("message").asText(), "where kubectl reads the code");
        }
        IllegalStateException used = assertThrows(IllegalStateException.class, () -> new SpdyClient(url, "v4.channel.k8s.io"));
        assertTrue(used.getMessage().startsWith("404"), "a URL is good once: " + used.getMessage());

        String forward = node.runtime.portForward(io.podshim.cri.v1.PortForwardRequest.newBuilder().setPodSandboxId(pod).addPort(8080)
                .build()).getUrl();
        try (SpdyClient client = new SpdyClient(forward, "portforward.k8s.io")) {
            // The server may not listen yet: each refusal is said on that request's error stream, and the client asks again.
            long deadline = System.nanoTime() + Patience.of(Duration.ofSeconds(10)).toNanos();
            for (int request = 0; ; request++) {
                var headers = new java.util.HashMap<>(java.util.Map.of("port", "8080", "requestid", Integer.toString(request)));
                headers.put("streamtype", "error");
                SpdyClient.Stream error = client.open(headers);
                headers.put("streamtype", "data");
                SpdyClient.Stream data = client.open(headers);
                client.send(data, "hi\n", false);
                String answer = data.text(Patience.of(Duration.ofSeconds(10)));
                if (answer.equals("pong hi\n")) {
                    break;
                }
                String refused = error.text(Patience.of(Duration.ofSeconds(10)));
                assertTrue(refused.contains("ECONNREFUSED") && System.nanoTime() < deadline, "answer: " + answer + ", error: " + refused);
            }
        }
        rmp(pod);
        assertGone(before);
    }

    @Test
    void theSecurityContextIsAppliedAsKubeletSendsIt() throws Exception {
        HostSnapshot before = HostSnapshot.take();
        PodSandboxConfig config = sandbox("secure");
        String pod = runp(config);
        String privileged = create(pod, config, container("privileged", "sleep", "3600").setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(LinuxContainerSecurityContext.newBuilder().setPrivileged(true))));
        String masked = create(pod, config, container("masked", "sleep", "3600").setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(LinuxContainerSecurityContext.newBuilder().addMaskedPaths("/proc/cpuinfo")
                        .addReadonlyPaths("/tmp"))
                .setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(-997)))); // a Guaranteed pod's, from kubelet
        String besteffort = create(pod, config, container("besteffort", "sleep", "3600").setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(1000))));
        start(privileged);
        start(masked);
        start(besteffort);
        int own = io.podshim.linux.Procfs.oomScoreAdj(ProcessHandle.current().pid()).orElseThrow();
        assertEquals(1000, io.podshim.linux.Procfs.oomScoreAdj(CriNode.pid(node.runtime, besteffort)).orElseThrow(), "a BestEffort pod's, as asked");
        int guaranteed = io.podshim.linux.Procfs.oomScoreAdj(CriNode.pid(node.runtime, masked)).orElseThrow();
        assertTrue(guaranteed == Math.max(-997, own), "-997 asked: never below the runtime's own (" + own + "), as containerd's restrict_oom_score_adj: " + guaranteed);
        long effective = Long.parseUnsignedLong(text(exec(privileged, "sh", "-c", "grep CapEff /proc/self/status")).replaceAll("\\s", "")
                .substring("CapEff:".length()), 16);
        assertEquals(io.podshim.linux.Capabilities.bounding(), effective, "privileged: every capability the runtime has, none it has not");
        assertTrue(text(exec(privileged, "cat", "/proc/cpuinfo")).contains("processor"), "privileged: /proc unmasked");
        assertEquals("", text(exec(masked, "cat", "/proc/cpuinfo")), "masked_paths as given");
        ExecSyncResponse readOnly = exec(masked, "touch", "/tmp/x");
        assertNotEquals(0, readOnly.getExitCode());
        assertTrue(readOnly.getStderr().toString(StandardCharsets.UTF_8).contains("Read-only file system"), readOnly.toString());

        StatusRuntimeException group = assertThrows(StatusRuntimeException.class, () -> create(pod, config, container("group", "true")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsGroup(io.podshim.cri.v1.Int64Value.newBuilder().setValue(1000))))));
        assertEquals(Status.Code.INVALID_ARGUMENT, group.getStatus().getCode());
        assertTrue(group.getStatus().getDescription().startsWith("config.linux.security_context.run_as_group: "),
                group.getStatus().getDescription());
        rmp(pod);
        assertGone(before);
    }

    @Test
    void aHostToContainerMountSeesTheHostsNewMountsAndAPrivateOneDoesNot() throws Exception {
        HostSnapshot before = HostSnapshot.take();
        // A shared mount of the test's own on the host, as a node's / is under systemd.
        Path shared = Files.createDirectories(node.base.resolve("shared"));
        io.podshim.linux.Mounts.bind(shared.toString(), shared.toString(), false, false);
        try {
            io.podshim.linux.Mounts.setPropagation(shared.toString(), io.podshim.linux.MountFlags.MS_SHARED);
            PodSandboxConfig config = sandbox("propagation");
            String pod = runp(config);
            String slave = create(pod, config, container("slave", "sleep", "3600").addMounts(io.podshim.cri.v1.Mount.newBuilder()
                    .setHostPath(shared.toString()).setContainerPath("/x")
                    .setPropagation(io.podshim.cri.v1.MountPropagation.PROPAGATION_HOST_TO_CONTAINER)));
            String isolated = create(pod, config, container("private", "sleep", "3600").addMounts(io.podshim.cri.v1.Mount.newBuilder()
                    .setHostPath(shared.toString()).setContainerPath("/x")));
            start(slave);
            start(isolated);
            // Mounted on the host after both started.
            Path later = Files.createDirectories(shared.resolve("later"));
            io.podshim.linux.Mounts.mount("tmpfs", later.toString(), "tmpfs", 0, "size=64k");
            try {
                assertTrue(text(exec(slave, "cat", "/proc/self/mounts")).contains(" /x/later tmpfs "),
                        "HostToContainer: the host's new mount reaches the container");
                assertFalse(text(exec(isolated, "cat", "/proc/self/mounts")).contains(" /x/later "),
                        "None (rprivate): it does not");
            } finally {
                io.podshim.linux.Mounts.umount(later.toString(), 0);
            }
            StatusRuntimeException both = assertThrows(StatusRuntimeException.class, () -> create(pod, config, container("both", "true")
                    .addMounts(io.podshim.cri.v1.Mount.newBuilder().setHostPath(shared.toString()).setContainerPath("/x")
                            .setPropagation(io.podshim.cri.v1.MountPropagation.PROPAGATION_BIDIRECTIONAL))));
            assertEquals("config.mounts[0].propagation", both.getStatus().getDescription().split(":")[0]);
            rmp(pod);
        } finally {
            io.podshim.linux.Mounts.umount(shared.toString(), io.podshim.linux.MountFlags.MNT_DETACH);
        }
        assertGone(before);
    }

    @Test
    void execAndPortForwardGoThroughTheStreamingServerInAWebSocketToo() throws Exception {
        // Made first: a JDK HTTP client keeps its selector's descriptors for as long as it lives.
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        HostSnapshot before = HostSnapshot.take();
        PodSandboxConfig config = sandbox("websocket");
        String pod = runp(config);
        String app = create(pod, config, container("app", "sh", "-c", "echo listening; exec nc -l -p 8080 -e sh -c 'read line; echo pong $line'"));
        start(app);
        String url = node.runtime.exec(io.podshim.cri.v1.ExecRequest.newBuilder().setContainerId(app).addAllCmd(List.of("sh", "-c",
                "echo out; echo err >&2; exit 3")).setStdout(true).setStderr(true).build()).getUrl();
        java.util.Map<Integer, String> channels = webSocket(client, url, "v4.channel.k8s.io", null);
        assertEquals("out\n", channels.get(1));
        assertEquals("err\n", channels.get(2));
        assertTrue(channels.get(3).contains("NonZeroExitCode") && channels.get(3).contains("\"message\":\"3\""), channels.toString());

        // nc listens right after that line: a connection made before it would be refused, and said so on the error channel.
        FileWait.contains(Path.of(config.getLogDirectory()).resolve("app/0.log"), "stdout F listening", Patience.of(Duration.ofSeconds(10)));
        java.util.Map<Integer, String> forwarded;
        for (long deadline = System.nanoTime() + Patience.of(Duration.ofSeconds(10)).toNanos(); ; ) {
            String forward = node.runtime.portForward(io.podshim.cri.v1.PortForwardRequest.newBuilder().setPodSandboxId(pod)
                    .addPort(8080).build()).getUrl();
            try {
                forwarded = webSocket(client, forward, "portforward.k8s.io", "hi\n");
                break;
            } catch (java.util.concurrent.ExecutionException refused) {
                // The handshake was refused (HTTP 500: ECONNREFUSED in the pod) while nc was not listening yet: ask again.
                assertTrue(System.nanoTime() < deadline, "never forwarded: " + refused);
            }
        }
        assertEquals("pong hi\n", forwarded.get(0).substring(2), "after the port, as the channel's first two bytes: " + forwarded);
        rmp(pod);
        assertGone(before);
    }

    /**
     * A WebSocket to {@code url} speaking {@code protocol}: {@code send} on channel 0 (if not null),
     * then every channel's text once the server closes.
     */
    private static java.util.Map<Integer, String> webSocket(java.net.http.HttpClient client, String url, String protocol, String send)
            throws Exception {
        java.util.Map<Integer, java.io.ByteArrayOutputStream> got = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket socket = client.newWebSocketBuilder().subprotocols(protocol).buildAsync(
                java.net.URI.create(url.replaceFirst("^http", "ws")), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws, java.nio.ByteBuffer data,
                                                                            boolean last) {
                        int channel = data.get() & 0xff;
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        got.computeIfAbsent(channel, k -> new java.io.ByteArrayOutputStream()).writeBytes(bytes);
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int status, String reason) {
                        closed.complete(null);
                        return null;
                    }

                    @Override
                    public void onError(java.net.http.WebSocket ws, Throwable error) {
                        closed.completeExceptionally(error);
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(protocol, socket.getSubprotocol());
        if (send != null) {
            byte[] text = send.getBytes(StandardCharsets.UTF_8);
            socket.sendBinary(java.nio.ByteBuffer.allocate(text.length + 1).put((byte) 0).put(text).flip(), true).get(10,
                    java.util.concurrent.TimeUnit.SECONDS);
        }
        closed.get(Patience.of(Duration.ofSeconds(10)).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        socket.abort();
        java.util.Map<Integer, String> text = new java.util.TreeMap<>();
        got.forEach((channel, bytes) -> text.put(channel, bytes.toString(StandardCharsets.ISO_8859_1)));
        return text;
    }
}
