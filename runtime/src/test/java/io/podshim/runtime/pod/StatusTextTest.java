package io.podshim.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kubectl's STATUS column, case by case. */
class StatusTextTest {
    private static final Instant T = Instant.parse("2026-11-21T00:00:00Z");

    private static ContainerStatus c(String name, boolean sidecar, ContainerState state) {
        return new ContainerStatus(name, "busybox", false, sidecar, state, null, 0, state.is(ContainerState.Kind.RUNNING), state.is(ContainerState.Kind.RUNNING), 0);
    }

    private static ContainerState done(int code) {
        return ContainerState.terminated(code == 0 ? "Completed" : "Error", code, "", T, T);
    }

    private static final ContainerState RUNNING = ContainerState.running(T);
    private static final ContainerState CREATING = ContainerState.waiting("PodInitializing", null);

    @Test
    void initProgressIsCountedAndItsTroubleNamed() {
        assertEquals("Init:1/3", StatusText.of("Pending", null, false,
                List.of(c("a", false, done(0)), c("b", false, RUNNING), c("c", false, CREATING)), List.of(c("app", false, CREATING))));
        assertEquals("Init:Error", StatusText.of("Failed", null, false,
                List.of(c("a", false, done(0)), c("b", false, done(1))), List.of(c("app", false, CREATING))));
        assertEquals("Init:CrashLoopBackOff", StatusText.of("Pending", null, false,
                List.of(c("a", false, ContainerState.waiting("CrashLoopBackOff", "back-off"))), List.of(c("app", false, CREATING))));
        assertEquals("Init:1/2", StatusText.of("Pending", null, false,
                List.of(c("proxy", true, RUNNING), c("b", false, RUNNING)), List.of(c("app", false, CREATING))),
                "a running sidecar counts as done");
    }

    @Test
    void afterInitTheAppsDecide() {
        List<ContainerStatus> init = List.of(c("a", false, done(0)));
        assertEquals("PodInitializing", StatusText.of("Pending", null, false, init,
                List.of(c("app", false, ContainerState.waiting("ContainerCreating", null)))));
        assertEquals("Running", StatusText.of("Running", null, false, init, List.of(c("app", false, RUNNING))));
        assertEquals("CrashLoopBackOff", StatusText.of("Running", null, false, init,
                List.of(c("app", false, RUNNING), c("web", false, ContainerState.waiting("CrashLoopBackOff", "")))));
        assertEquals("Completed", StatusText.of("Succeeded", null, false, init, List.of(c("app", false, done(0)))));
        assertEquals("Error", StatusText.of("Failed", null, false, init, List.of(c("app", false, done(3)))));
        assertEquals("OOMKilled", StatusText.of("Failed", null, false, init,
                List.of(c("app", false, ContainerState.terminated("OOMKilled", 137, "", T, T)))));
        assertEquals("Running", StatusText.of("Running", null, false, init, List.of(c("job", false, done(0)), c("web", false, RUNNING))),
                "one finished container among running ones is still Running");
    }

    @Test
    void aSidecarStoppedAfterTheAppsIsNoInitFailure() {
        assertEquals("Completed", StatusText.of("Succeeded", null, false,
                List.of(c("a", false, done(0)), c("proxy", true, done(143))), List.of(c("app", false, done(0)))));
    }

    @Test
    void terminatingAndPodReasonsWin() {
        assertEquals("Terminating", StatusText.of("Running", null, true, List.of(), List.of(c("app", false, RUNNING))));
        assertEquals("DeadlineExceeded", StatusText.of("Failed", "DeadlineExceeded", false, List.of(), List.of(c("app", false, done(137)))));
    }

    @Test
    void backOffDoublesFromTenSecondsToFiveMinutes() {
        BackoffPolicy k8s = BackoffPolicy.KUBERNETES;
        assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 300L, 300L), java.util.stream.IntStream.range(0, 7)
                .mapToObj(k8s::delay).map(Duration::toSeconds).toList());
    }
}
