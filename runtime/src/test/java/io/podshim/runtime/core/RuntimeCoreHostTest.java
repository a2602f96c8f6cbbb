package io.podshim.runtime.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.cgroups.CgroupPath;
import io.podshim.cgroups.ContainerResources;
import io.podshim.cgroups.PodResources;
import io.podshim.linux.Capabilities;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Pipe;
import io.podshim.linux.Stdio;
import io.podshim.pause.SandboxSpec;
import io.podshim.runtime.FileTrees;
import io.podshim.runtime.container.BusyboxImage;
import io.podshim.runtime.container.ContainerExec;
import io.podshim.runtime.container.ContainerProcess;
import io.podshim.runtime.container.LaunchPlan;
import io.podshim.runtime.container.PodFiles;
import io.podshim.runtime.container.Termination;
import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The runtime core used as a CRI server will use it, with no pod policy around it: a sandbox, a
 * container started in it, an exec, how it ended, and everything removed.
 */
@HostTest
class RuntimeCoreHostTest {

    @Test
    void aSandboxAndAContainerWithoutThePodEngineAndNothingLeft() throws Exception {
        HostSnapshot before = HostSnapshot.take();
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path base = Path.of("/run/podshim-test-" + id);
        String cgroupRoot = "podshim-test-" + id;
        Path image = BusyboxImage.create(base.resolve("image"));
        try (RuntimeCore core = new RuntimeCore(base.resolve("state"), cgroupRoot, null)) {
            ContainerResources app = new ContainerResources("app", ContainerResources.Kind.APP, 100L, null, 64L << 20, 64L << 20);
            PodSandboxHandle pod = core.createSandbox(SandboxSpec.of("core", UUID.randomUUID().toString()),
                    PodResources.of(List.of(app)), List.of());
            CgroupPath cgroup = core.createContainerCgroup(pod, app);
            Path log = base.resolve("logs/app/0.log");
            Files.createDirectories(log.getParent());
            try (Pipe out = Pipe.open(); Pipe err = Pipe.open()) {
                LaunchPlan plan = new LaunchPlan("core", "app", pod.sandbox(), image, pod.sandbox().directory().resolve("containers/app-0"),
                        false, PodFiles.of(pod.sandbox()), List.of("sh", "-c", "echo started; exec sleep 3600"), List.of("PATH=/bin"), "/",
                        -1, -1, List.of(), Capabilities.DEFAULT, false, true, true, core.cgroupManager(), cgroup,
                        Stdio.of(out.writeEnd()), Stdio.of(err.writeEnd()));
                long oomBefore = core.oomKills(cgroup);
                ContainerProcess container = core.startContainer(plan, List.of()).running().orElseThrow();
                out.writeEnd().close();
                err.writeEnd().close();
                var logged = core.attachLogs(out.readEnd().dupAtLeast(0), err.readEnd().dupAtLeast(0), log);
                ContainerExec.Result exec = core.exec(container.container().orElseThrow(), plan, List.of("sh", "-c", "hostname; exit 3"), null);
                assertEquals(3, exec.exitCode(), exec.toString());
                assertEquals("core\n", exec.stdout(), "the pod's hostname, from inside the sandbox");
                container.signal(jnr.constants.platform.Signal.SIGTERM);
                ExitStatus ended = container.waitFor();
                container.close();
                assertEquals(new Termination("Error", 143, ""), core.termination(ended, cgroup, oomBefore));
                logged.join();
                assertTrue(Files.readString(log).contains(" stdout F started\n"), Files.readString(log));
            }
            assertEquals(List.of(), core.destroySandbox(pod), "nothing failed to go");
            assertFalse(core.cgroupManager().exists(pod.cgroup()), "the pod cgroup is gone");
            assertEquals(List.of(), core.sandboxUids(), "the sandbox directory is gone");
        } finally {
            FileTrees.delete(base);
        }
        HostSnapshot.takeAndCompare(before);
    }
}
