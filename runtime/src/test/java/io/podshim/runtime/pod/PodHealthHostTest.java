package io.podshim.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Probes and lifecycle hooks, on the real kernel: the stories of issue "probes and hooks". */
@HostTest
class PodHealthHostTest extends PodEngineHarness {

    private static long events(PodStatus s, String reason, String object, String messageStart) {
        return s.events().stream().filter(e -> e.reason().equals(reason) && e.object().equals(object)
                && e.message().startsWith(messageStart)).mapToLong(PodEvent::count).sum();
    }

    private void exec(String pod, String container, String script) {
        assertEquals(0, engine.exec(pod, container, List.of("sh", "-c", script)).exitCode(), script);
    }

    @Test
    void anHttpServerBecomesReadyOnlyOnceItAnswers200AndATcpProbeReachesThePodsOwnLoopback() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - name: web
                    image: busybox:local
                    command: [sh, -c, "mkdir -p /www && exec httpd -f -p 8080 -h /www"]
                    ports: [{name: http, containerPort: 8080}]
                    readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 1}
                  - name: db
                    image: busybox:local
                    command: [sleep, "1000"]
                    readinessProbe: {tcpSocket: {port: 9000}, periodSeconds: 1}
                """));
        PodStatus notFound = await("web", s -> events(s, "Unhealthy", "web", "Readiness probe failed: HTTP probe failed with"
                + " statuscode: 404") >= 2 && events(s, "Unhealthy", "db", "Readiness probe failed: dial tcp 127.0.0.1:9000:"
                + " connect: ECONNREFUSED") >= 1);
        assertEquals("Running", notFound.phase());
        assertEquals("0/2", notFound.readyColumn());
        assertEquals(Boolean.FALSE, notFound.conditions().get("Ready"));
        assertTrue(notFound.containers().get(0).started(), "running and started: only not ready");

        exec("web", "web", "echo ok > /www/ready");
        PodStatus webReady = await("web", s -> s.containers().get(0).ready());
        assertFalse(webReady.containers().get(1).ready(), "db still has no listener");
        assertEquals("1/2", webReady.readyColumn());
        assertEquals(Boolean.FALSE, webReady.conditions().get("ContainersReady"));

        exec("web", "db", "httpd -p 9000 -h /"); // a listener in the pod's network only (httpd forks into the background)
        PodStatus ready = await("web", s -> s.readyColumn().equals("2/2"));
        assertEquals(Boolean.TRUE, ready.conditions().get("ContainersReady"));
        assertEquals(Boolean.TRUE, ready.conditions().get("Ready"));
        assertEquals(0, ready.restarts(), "readiness never restarts a container");
    }

    @Test
    void aFailingLivenessProbeRestartsTheContainerAndTheEventsSayWhy() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: sick}
                spec:
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sleep, "1000"]
                    livenessProbe:
                      exec: {command: [cat, /tmp/healthy]}
                      periodSeconds: 1
                      failureThreshold: 2
                      terminationGracePeriodSeconds: 1
                """));
        PodStatus restarted = await("sick", s -> s.containers().get(0).restartCount() >= 2);
        ContainerStatus app = restarted.containers().get(0);
        assertEquals(143, app.lastState().exitCode(), "stopped with SIGTERM (128 + 15)");
        assertTrue(events(restarted, "Unhealthy", "app", "Liveness probe failed: command [cat, /tmp/healthy] exited with"
                + " code 1: cat: can't open '/tmp/healthy': No such file or directory") >= 4, restarted.events().toString());
        assertTrue(events(restarted, "Killing", "app", "Container app failed liveness probe, will be restarted") >= 2);
    }

    @Test
    void aSlowStarterSurvivesThanksToItsStartupProbe() throws Exception {
        // The liveness probe would kill it at its first failure; it only runs once the startup probe passed.
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: slow}
                spec:
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sleep, "1000"]
                    startupProbe: {exec: {command: [cat, /tmp/started]}, periodSeconds: 1, failureThreshold: 600}
                    livenessProbe: {exec: {command: [cat, /tmp/started]}, periodSeconds: 1, failureThreshold: 1}
                """));
        PodStatus starting = await("slow", s -> events(s, "Unhealthy", "app", "Startup probe failed") >= 3);
        assertFalse(starting.containers().get(0).started());
        assertFalse(starting.containers().get(0).ready());
        exec("slow", "app", "touch /tmp/started");
        PodStatus started = await("slow", s -> s.containers().get(0).ready());
        assertTrue(started.containers().get(0).started());
        assertEquals(0, started.containers().get(0).restartCount());
        assertEquals(0, events(started, "Unhealthy", "app", "Liveness probe failed"), "liveness waited for startup");
    }

    @Test
    void aSidecarWithAStartupProbeHoldsBackTheNextInitContainerUntilItPasses() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: gated}
                spec:
                  restartPolicy: Never
                  initContainers:
                  - name: proxy
                    image: busybox:local
                    restartPolicy: Always
                    command: [sleep, "1000"]
                    startupProbe: {exec: {command: [cat, /tmp/up]}, periodSeconds: 1, failureThreshold: 600}
                  - {name: setup, image: busybox:local, command: [echo, setup ran]}
                  containers:
                  - {name: app, image: busybox:local, command: [echo, app ran]}
                """));
        PodStatus held = await("gated", s -> events(s, "Unhealthy", "proxy", "Startup probe failed") >= 2);
        assertEquals(ContainerState.Kind.RUNNING, held.initContainers().get(0).state().kind());
        assertEquals(ContainerState.Kind.WAITING, held.initContainers().get(1).state().kind(), "setup waits for the sidecar");
        assertEquals("Init:0/2", held.display());
        assertEquals(Boolean.FALSE, held.conditions().get("Initialized"));

        exec("gated", "proxy", "touch /tmp/up");
        PodStatus done = await("gated", PodStatus::finished);
        assertEquals("Succeeded", done.phase());
        assertEquals("Completed", done.initContainers().get(1).state().reason());
        assertEquals(List.of("setup ran"), logLines("gated", "setup"));
    }

    @Test
    void preStopRunsBeforeTheStopSignalAndIsCutOffAtTheGracePeriod() throws Exception {
        Path out = Files.createDirectories(base.resolve("prestop-" + System.nanoTime()));
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: polite}
                spec:
                  terminationGracePeriodSeconds: 2
                  volumes: [{name: out, hostPath: {path: %s}}]
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sh, -c, "trap 'echo term >> /out/order; kill $!; exit 0' TERM; sleep 1000 & echo started >> /out/order; wait"]
                    volumeMounts: [{name: out, mountPath: /out}]
                    lifecycle:
                      preStop: {exec: {command: [sh, -c, "echo prestop >> /out/order; sleep 30; echo prestop-finished >> /out/order"]}}
                """.formatted(out)));
        await("polite", s -> s.containers().get(0).ready());
        Path order = out.resolve("order");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // bounded wait for the script's first line
        while (!Files.exists(order) || !Files.readAllLines(order).contains("started")) {
            assertTrue(System.nanoTime() < deadline, "the container never started its script");
            Thread.onSpinWait();
        }
        PodStatus gone = engine.delete("polite", Duration.ofSeconds(2)).get(60, TimeUnit.SECONDS);
        assertEquals(List.of("started", "prestop", "term"), Files.readAllLines(order), "preStop first, then SIGTERM;"
                + " the hook's sleep 30 was cut off");
        assertEquals(0, gone.containers().get(0).state().exitCode(), "the trap ran: SIGTERM, not SIGKILL");
        assertEquals(1, events(gone, "FailedPreStopHook", "app", "PreStop hook exec [sh, -c, echo prestop >> /out/order;"
                + " sleep 30; echo prestop-finished >> /out/order] failed: command"), gone.events().toString());
        assertTrue(gone.events().stream().anyMatch(e -> e.message().contains("timed out after")), gone.events().toString());
    }

    @Test
    void aFailedPostStartHookKillsTheContainerAndSaysWhy() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: hooked}
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sleep, "1000"]
                    lifecycle:
                      postStart: {exec: {command: [sh, -c, "echo no config; exit 3"]}}
                """));
        PodStatus failed = await("hooked", PodStatus::finished);
        assertEquals("Failed", failed.phase());
        assertEquals(1, events(failed, "FailedPostStartHook", "app", "PostStart hook exec [sh, -c, echo no config; exit 3]"
                + " failed: command [sh, -c, echo no config; exit 3] exited with code 3: no config"), failed.events().toString());
        assertFalse(failed.containers().get(0).ready(), "never ready: its start never completed");
    }
}
