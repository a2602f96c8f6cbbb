package io.podshim.runtime.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.cri.v1.ContainerConfig;
import io.podshim.cri.v1.ContainerMetadata;
import io.podshim.cri.v1.ContainerState;
import io.podshim.cri.v1.ContainerStatus;
import io.podshim.cri.v1.ContainerStatusRequest;
import io.podshim.cri.v1.CreateContainerRequest;
import io.podshim.cri.v1.ExecSyncRequest;
import io.podshim.cri.v1.ImageSpec;
import io.podshim.cri.v1.ListContainersRequest;
import io.podshim.cri.v1.ListPodSandboxRequest;
import io.podshim.cri.v1.NamespaceMode;
import io.podshim.cri.v1.PodSandboxConfig;
import io.podshim.cri.v1.PodSandboxState;
import io.podshim.cri.v1.RemovePodSandboxRequest;
import io.podshim.cri.v1.RunPodSandboxRequest;
import io.podshim.cri.v1.StartContainerRequest;
import io.podshim.runtime.FileTrees;
import io.podshim.runtime.container.BusyboxImage;
import io.podshim.runtime.daemon.DaemonProcess;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.ImportProgress;
import io.podshim.testing.FileWait;
import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import io.podshim.testing.Patience;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A daemon serving the CRI is killed (SIGKILL) with a sandbox and containers in every state, a
 * container ends while no daemon runs, and the next daemon on the same state directory lists them
 * as kubelet left them, takes the running one's log up without a line lost or written twice, and
 * stops and removes everything, as kubelet expects of a runtime that restarts.
 */
@HostTest
class CriRestartHostTest {

    @Test
    void aKilledDaemonsSandboxesAndContainersAreTakenOverByTheNext() throws Exception {
        HostSnapshot before = HostSnapshot.take();
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path base = Path.of("/run/podshim-cri-restart-" + id);
        String cgroupRoot = "podshim-cri-restart-" + id;
        new ImageStore(base.resolve("images")).importImage(BusyboxImage.create(base.resolve("busybox")), CriNode.IMAGE,
                ImportProgress.NONE);
        Path socket = base.resolve("cri.sock");
        List<String> args = List.of("--socket", base.resolve("api.sock").toString(), "--state", base.resolve("state").toString(),
                "--logs", base.resolve("logs").toString(), "--store", base.resolve("images").toString(), "--cgroup-root", cgroupRoot,
                "--network", "none", "--cri-socket", socket.toString());
        PodSandboxConfig config = CriNode.sandbox("survivor", base.resolve("pod-logs"), NamespaceMode.POD);
        Path log = Path.of(config.getLogDirectory()).resolve("counter.log");
        String pod;
        String counter;
        String quick;
        String waiting;
        long latePid;
        DaemonProcess first = DaemonProcess.start(List.of(), args);
        try (CriClient cri = new CriClient(socket)) {
            pod = cri.runtime.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
            counter = create(cri, pod, config, "counter", "i=0; while true; do i=$((i+1)); echo line $i; usleep 20000; done");
            quick = create(cri, pod, config, "quick", "exit 4");
            waiting = create(cri, pod, config, "waiting", "echo started after the restart; exec sleep 3600");
            String late = create(cri, pod, config, "late", "exec sleep 3600");
            try (CriEvents events = new CriEvents(cri.channel)) {
                for (String c : List.of(counter, quick, late)) {
                    cri.runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
                }
                events.await(quick, io.podshim.cri.v1.ContainerEventType.CONTAINER_STOPPED_EVENT, Patience.of(Duration.ofSeconds(20)));
            }
            latePid = CriNode.pid(cri.runtime, late);
            FileWait.contains(log, "stdout F line 20\n", Patience.of(Duration.ofSeconds(20)));
        }
        first.kill();

        // While no daemon runs: the counter goes on writing into the pipe its shim keeps; "late" is ended from outside.
        ProcessHandle lateProcess = ProcessHandle.of(latePid).orElseThrow();
        lateProcess.destroy();
        lateProcess.onExit().get();

        try (DaemonProcess second = DaemonProcess.start(List.of(), args); CriClient cri = new CriClient(socket)) {
            var sandboxes = cri.runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList();
            assertEquals(1, sandboxes.size(), sandboxes.toString());
            assertEquals(pod, sandboxes.get(0).getId());
            assertEquals(PodSandboxState.SANDBOX_READY, sandboxes.get(0).getState());
            assertEquals(config.getMetadata(), sandboxes.get(0).getMetadata(), "the config as kubelet sent it");
            assertEquals(4, cri.runtime.listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
            assertEquals(ContainerState.CONTAINER_RUNNING, status(cri, counter).getState());
            ContainerStatus q = status(cri, quick);
            assertEquals(ContainerState.CONTAINER_EXITED, q.getState());
            assertEquals(4, q.getExitCode());
            assertEquals(ContainerState.CONTAINER_CREATED, status(cri, waiting).getState());
            ContainerStatus l = status(cri, latestId(cri, "late"));
            assertEquals(ContainerState.CONTAINER_EXITED, l.getState(), "it ended while no daemon watched");
            assertEquals(143, l.getExitCode(), "as its shim recorded it: SIGTERM");

            var exec = cri.runtime.execSync(ExecSyncRequest.newBuilder().setContainerId(counter).addAllCmd(List.of("hostname")).build());
            assertEquals("survivor\n", exec.getStdout().toString(StandardCharsets.UTF_8), "an exec into a container taken over");
            cri.runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(waiting).build());
            FileWait.contains(Path.of(config.getLogDirectory()).resolve("waiting.log"), "started after the restart",
                    Patience.of(Duration.ofSeconds(20)));

            // The log goes on where it was: every number once, in order, across the kill.
            int now = lastLine(log);
            FileWait.contains(log, "stdout F line " + (now + 20) + "\n", Patience.of(Duration.ofSeconds(20)));
            List<String> lines = Files.readAllLines(log).stream().map(line -> line.substring(line.indexOf(" stdout F ") + 10)).toList();
            for (int i = 0; i < now + 20; i++) {
                assertEquals("line " + (i + 1), lines.get(i), "a line lost or written twice across the daemon's kill");
            }

            // Both front doors at once: podshim's own listing shows the CRI's sandbox, marked, and its namespace table.
            io.podshim.runtime.cli.ApiClient api = new io.podshim.runtime.cli.ApiClient(base.resolve("api.sock"));
            String table = api.call("GET", "/v1/pods?output=table", null).body();
            assertTrue(table.lines().anyMatch(line -> line.matches("default\\s+cri:survivor\\s+2/4\\s+Ready\\s+.*")), table);
            var ns = new com.fasterxml.jackson.databind.ObjectMapper().readTree(api.call("GET",
                    "/v1/pods/cri:survivor/namespaces?output=json", null).body());
            assertEquals(ns.path("pause").path("namespaces").path("net"), ns.path("counter").path("namespaces").path("net"),
                    "the counter in its sandbox's network namespace: " + ns);
            Set<String> processes = new java.util.HashSet<>();
            ns.fieldNames().forEachRemaining(processes::add);
            assertEquals(Set.of("host", "pause", "counter", "waiting"), processes, "the running ones: " + ns);

            cri.runtime.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
            assertEquals(0, cri.runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
        } finally {
            first.close();
        }
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup").resolve(cgroupRoot).resolve("cri"))
                || Files.exists(Path.of("/sys/fs/cgroup/pids").resolve(cgroupRoot).resolve("cri")), "the CRI's cgroups are gone");
        FileTrees.delete(base);
        HostSnapshot.takeAndCompare(before);
    }

    private static String create(CriClient cri, String pod, PodSandboxConfig config, String name, String script) {
        return cri.runtime.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod).setSandboxConfig(config)
                .setConfig(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                        .setImage(ImageSpec.newBuilder().setImage(CriNode.IMAGE)).addAllCommand(List.of("sh", "-c", script))
                        .setLogPath(name + ".log")).build()).getContainerId();
    }

    private static ContainerStatus status(CriClient cri, String id) {
        return cri.runtime.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    private static String latestId(CriClient cri, String name) {
        return cri.runtime.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList().stream()
                .filter(c -> c.getMetadata().getName().equals(name)).findFirst().orElseThrow().getId();
    }

    private static int lastLine(Path log) throws java.io.IOException {
        List<String> lines = Files.readAllLines(log);
        String last = lines.get(lines.size() - 1);
        return Integer.parseInt(last.substring(last.lastIndexOf(' ') + 1));
    }
}
