package io.podshim.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.pod.ContainerState;
import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.PodStatus;
import io.podshim.testing.HostTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Ephemeral containers through {@code podshim debug}, as kubectl debug adds them to a running pod. */
@HostTest
class DebugHostTest extends DaemonHarness {
    private static final String LONE = """
            apiVersion: v1
            kind: Pod
            metadata: {name: lone}
            spec:
              shareProcessNamespace: false
              terminationGracePeriodSeconds: 1
              containers: [{name: target, image: busybox:local, command: [sleep, "4242"]}]
            """;

    private PodStatus awaitEphemeral(String name, Predicate<ContainerStatus> until) throws Exception {
        return daemon.engine().await("lone", s -> s.ephemeralContainers().stream().anyMatch(c -> c.name().equals(name) && until.test(c)))
                .get(60, TimeUnit.SECONDS);
    }

    private static boolean ended(ContainerStatus c) {
        return c.state().is(ContainerState.Kind.TERMINATED);
    }

    @Test
    void aDebuggerWithATargetSeesItsProcessesOneWithoutDoesNotAndNeitherIsRestarted() throws Exception {
        applyAndAwait("lone", LONE, DaemonHarness::running);
        assertEquals(0, cli("debug", "lone", "--image", "busybox:local", "--target", "target", "-c", "seer", "--", "ps", "-o", "args")
                .code());
        assertEquals(0, cli("debug", "lone", "--image", "busybox:local", "-c", "blind", "--", "ps", "-o", "args").code());
        awaitEphemeral("seer", DebugHostTest::ended);
        PodStatus done = awaitEphemeral("blind", DebugHostTest::ended);
        assertTrue(cli("logs", "lone", "-c", "seer").out().contains("sleep 4242"), "--target: the target's pid namespace");
        assertFalse(cli("logs", "lone", "-c", "blind").out().contains("sleep 4242"), "without: a pid namespace of its own");
        // Ended with 0 under restartPolicy Always, and still not restarted; the pod goes on, Running and ready.
        done.ephemeralContainers().forEach(c -> assertEquals(0, c.restartCount(), c.toString()));
        assertEquals("Running", done.display());
        assertEquals("1/1", done.readyColumn(), "an ephemeral container counts for nothing in READY");
        assertTrue(cli("describe", "pod", "lone").out().contains("Ephemeral Containers:\n  seer:"));
    }

    @Test
    void aRunningDebuggerIsInTheNsTableAndTheStatusAndGoesWithThePod() throws Exception {
        applyAndAwait("lone", LONE, DaemonHarness::running);
        assertEquals(0, cli("debug", "lone", "--image", "busybox:local", "-c", "stay", "--", "sleep", "3600").code());
        awaitEphemeral("stay", c -> c.state().is(ContainerState.Kind.RUNNING));
        String table = cli("ns", "lone").out();
        assertTrue(table.lines().findFirst().orElse("").contains("stay ("), table);
        Result json = cli("ns", "lone", "-o", "json");
        assertTrue(json.out().contains("\"stay\""), json.out());
        assertEquals(0, cli("delete", "pod", "lone", "--grace-period", "1").code());
        // The harness checks that nothing of it is left: no process, mount or cgroup.
    }

    @Test
    void whatAnEphemeralContainerMayNotBeIsRefusedSayingWhy() throws Exception {
        applyAndAwait("lone", LONE, DaemonHarness::running);
        Result taken = cli("debug", "lone", "--image", "busybox:local", "-c", "target", "--", "true");
        assertEquals(1, taken.code());
        assertTrue(taken.err().contains("\"target\" is the name of a container of pod lone already"), taken.err());
        Result noTarget = cli("debug", "lone", "--image", "busybox:local", "--target", "nope", "--", "true");
        assertTrue(noTarget.err().contains("spec.ephemeralContainers.targetContainerName: pod lone has no container \"nope\""),
                noTarget.err());
        ApiClient.Reply ports = new ApiClient(socket()).call("POST", "/v1/pods/lone/ephemeralcontainers",
                "{name: p, image: busybox:local, ports: [{containerPort: 80}]}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, ports.status());
        assertEquals("spec.ephemeralContainers.ports: is not allowed for ephemeral containers", ports.message());
        assertTrue(daemon.engine().status("lone").orElseThrow().ephemeralContainers().isEmpty(), "nothing was added");
    }
}
