package io.podshim.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.PodException;
import io.podshim.testing.HostTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The pod notes' scenarios as stories, on the real kernel. */
@HostTest
class PodEngineHostTest extends PodEngineHarness {
    @Test
    void hostAliasesHostnameAndADnsConfigAreWhatTheContainersRead() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: named}
                spec:
                  hostname: db-0
                  subdomain: db
                  dnsPolicy: None
                  dnsConfig:
                    nameservers: [192.0.2.53]
                    searches: [lab.example]
                    options: [{name: ndots, value: "2"}, {name: edns0}]
                  hostAliases: [{ip: 10.1.2.3, hostnames: [db.lab.example, db]}]
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"]}]
                """));
        await("named", s -> s.display().equals("Running"));
        io.podshim.runtime.container.ContainerExec.Result hosts = engine.exec("named", "app", List.of("cat", "/etc/hosts"));
        assertTrue(hosts.stdout().endsWith("\n# Entries added by HostAliases.\n10.1.2.3\tdb.lab.example\tdb\n"), hosts.stdout());
        assertTrue(hosts.stdout().contains("\tdb-0.db.default.svc.cluster.local\tdb-0\n"), "the pod's FQDN, then its hostname: "
                + hosts.stdout());
        assertEquals("db-0\ndb-0\n", engine.exec("named", "app", List.of("sh", "-c", "hostname; cat /etc/hostname")).stdout(),
                "spec.hostname in the uts namespace and /etc/hostname");
        io.podshim.runtime.container.ContainerExec.Result resolv = engine.exec("named", "app", List.of("cat", "/etc/resolv.conf"));
        assertEquals("search lab.example\nnameserver 192.0.2.53\noptions ndots:2 edns0\n", resolv.stdout(),
                "dnsPolicy None: the dnsConfig alone, not the node's");
    }

    @Test
    void initContainersRunInOrderAndTheAppPrintsWhatTheyWrote() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: ordered}
                spec:
                  restartPolicy: Never
                  volumes: [{name: work, emptyDir: {}}]
                  initContainers:
                  - {name: first, image: busybox:local, command: [sh, -c, "echo one >> /work/log"], volumeMounts: [{name: work, mountPath: /work}]}
                  - {name: second, image: busybox:local, command: [sh, -c, "echo two >> /work/log"], volumeMounts: [{name: work, mountPath: /work}]}
                  containers:
                  - {name: app, image: busybox:local, command: [cat, /work/log], volumeMounts: [{name: work, mountPath: /work}]}
                """));
        PodStatus done = await("ordered", PodStatus::finished);
        assertEquals("Succeeded", done.phase());
        assertEquals("Completed", done.display());
        assertEquals(List.of("one", "two"), logLines("ordered", "app"));
        assertEquals(Boolean.TRUE, done.conditions().get("Initialized"));
        for (ContainerStatus c : done.initContainers()) {
            ContainerState ended = c.state();
            assertFalse(ended.finishedAt().isBefore(ended.startedAt()), c.name() + " ended before it started: " + ended);
            assertFalse(ended.startedAt().isBefore(done.initContainers().get(0).state().startedAt()), "in order");
        }
        assertFalse(done.initContainers().get(1).state().startedAt().isBefore(done.initContainers().get(0).state().finishedAt()),
                "the second init container started after the first had ended");
    }

    @Test
    void aFailingInitContainerUnderNeverFailsThePodAndTheAppNeverStarts() throws Exception {
        engine.run(pod(failingInit("Never")));
        PodStatus failed = await("failing", PodStatus::finished);
        assertEquals("Failed", failed.phase());
        assertEquals("Init:Error", failed.display());
        assertEquals(ContainerState.Kind.WAITING, failed.containers().get(0).state().kind(), "the app never started");
        assertEquals(List.of(), engine.logFiles("failing", "app"));
    }

    @Test
    void aFailingInitContainerUnderAlwaysBacksOffWithGrowingRestartCounts() throws Exception {
        engine.run(pod(failingInit("Always")));
        PodStatus looping = await("failing", s -> s.initContainers().get(1).restartCount() >= 3
                && s.display().equals("Init:CrashLoopBackOff"));
        ContainerStatus second = looping.initContainers().get(1);
        assertEquals(1, second.lastState().exitCode());
        assertTrue(second.state().message().startsWith("back-off 400ms restarting failed container=second"), second.state().message());
        assertEquals("Pending", looping.phase());
        assertTrue(looping.events().stream().filter(e -> e.reason().equals("BackOff")).count() >= 3);
        try (Stream<Path> runs = Files.list(base.resolve("state/sandboxes").resolve(looping.uid()).resolve("containers"))) {
            List<String> kept = runs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("second-")).toList();
            assertTrue(kept.size() <= 2, "writable layers kept for a crash-looping container: " + kept);
        }
        engine.delete("failing", Duration.ZERO).get(60, TimeUnit.SECONDS);
    }

    private static String failingInit(String policy) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: failing}
                spec:
                  restartPolicy: %s
                  initContainers:
                  - {name: first, image: busybox:local, command: ["true"]}
                  - {name: second, image: busybox:local, command: [sh, -c, "exit 1"]}
                  containers:
                  - {name: app, image: busybox:local, command: [echo, never]}
                """.formatted(policy);
    }

    @Test
    void aSidecarRunsAlongsideTheAppAndIsStoppedAfterIt() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: shipper}
                spec:
                  restartPolicy: Never
                  volumes: [{name: logs, emptyDir: {}}]
                  initContainers:
                  - name: tail
                    image: busybox:local
                    restartPolicy: Always
                    command: [sh, -c, "touch /logs/app.log; exec tail -f /logs/app.log"]
                    volumeMounts: [{name: logs, mountPath: /logs}]
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sh, -c, "echo hello >> /logs/app.log; until ps -o comm | grep -q '^tail'; do :; done; echo 1"]
                    volumeMounts: [{name: logs, mountPath: /logs}]
                """));
        PodStatus done = await("shipper", PodStatus::finished);
        assertEquals("Succeeded", done.phase(), "a sidecar's end does not fail the pod: " + done.containers() + done.events());
        // "Started" means exec'd; the sidecar's shell execs tail a moment later, so the app waits to see it.
        assertEquals(List.of("1"), logLines("shipper", "app"), "the app saw the sidecar's tail running beside it");
        ContainerStatus tail = done.initContainers().get(0);
        ContainerStatus app = done.containers().get(0);
        assertEquals(143, tail.state().exitCode(), "stopped with SIGTERM");
        assertFalse(tail.state().finishedAt().isBefore(app.state().finishedAt()), "stopped after the app");
        assertFalse(tail.state().startedAt().isAfter(app.state().startedAt()), "started before the app");
    }

    @Test
    void withoutAProcessNamespaceToShareEachContainerSeesOnlyItself() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  restartPolicy: Never
                  shareProcessNamespace: %s
                  # Alone in its pid namespace the sidecar is PID 1 and ignores SIGTERM: SIGKILL after 1 s.
                  terminationGracePeriodSeconds: 1
                  initContainers: [{name: side, image: busybox:local, restartPolicy: Always, command: [tail, -f, /dev/null]}]
                  # $$$$ is the shell's $$: Kubernetes makes $$ of a command a single $.
                  containers: [{name: app, image: busybox:local, command: [sh, -c, "echo $$$$; ps -o comm | grep -c tail"]}]
                """;
        engine.run(pod(yaml.formatted("apart", "false")));
        engine.run(pod(yaml.formatted("together", "true")));
        await("apart", PodStatus::finished);
        await("together", PodStatus::finished);
        assertEquals(List.of("1", "0"), logLines("apart", "app"), "pid 1 of its own namespace; the sidecar is not there");
        assertEquals("1", logLines("together", "app").get(1), "the sidecar's tail is visible");
    }

    @Test
    void anAppBeyondItsMemoryLimitIsOomKilledWithExitCode137() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: hog}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: hog
                    image: busybox:local
                    command: [dd, if=/dev/zero, of=/dev/null, bs=64M, count=1]
                    resources: {limits: {memory: 32Mi}}
                """));
        PodStatus done = await("hog", PodStatus::finished);
        assertEquals("Failed", done.phase());
        assertEquals("OOMKilled", done.display());
        assertEquals(137, done.containers().get(0).state().exitCode());
        assertTrue(done.events().stream().anyMatch(e -> e.reason().equals("OOMKilled")));
    }

    @Test
    void aContainerIgnoringSigtermIsKilledAfterTheGracePeriodNotBefore() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: stubborn}
                spec:
                  containers:
                  - {name: app, image: busybox:local, command: [sh, -c, "trap '' TERM; echo ready; exec tail -f /dev/null"]}
                """));
        await("stubborn", s -> s.display().equals("Running"));
        // Running means exec'd, not that the trap is set yet: wait (bounded) for the line printed after it.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (engine.logFiles("stubborn", "app").isEmpty() || !logLines("stubborn", "app").contains("ready")) {
            assertTrue(System.nanoTime() < deadline, "the container never said ready");
            Thread.onSpinWait();
        }
        Instant asked = Instant.now();
        PodStatus gone = engine.delete("stubborn", Duration.ofSeconds(1)).get(60, TimeUnit.SECONDS);
        ContainerState end = gone.containers().get(0).state();
        assertEquals(137, end.exitCode(), "SIGKILL");
        assertTrue(Duration.between(asked, end.finishedAt()).toMillis() >= 1000, "killed before the grace period ended");
        assertTrue(gone.events().stream().anyMatch(e -> e.message().contains("did not stop within the grace period")));
        assertTrue(gone.events().stream().anyMatch(e -> e.message().equals("Stopping container app with SIGTERM")));
        assertTrue(engine.status("stubborn").isEmpty(), "deleted");
    }

    @Test
    void exitZeroUnderNeverSucceedsAndExitThreeFailsWithItsCode() throws Exception {
        for (String[] c : new String[][] {{"zero", "exit 0", "Succeeded", "Completed", "0"}, {"three", "exit 3", "Failed", "Error", "3"}}) {
            engine.run(pod("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: %s}
                    spec:
                      restartPolicy: Never
                      containers: [{name: app, image: busybox:local, command: [sh, -c, "%s"]}]
                    """.formatted(c[0], c[1])));
            PodStatus done = await(c[0], PodStatus::finished);
            assertEquals(c[2], done.phase());
            assertEquals(c[3], done.display());
            assertEquals(Integer.parseInt(c[4]), done.containers().get(0).state().exitCode());
        }
    }

    /**
     * Kubernetes 1.35: a container's own restartPolicy overrides the pod's, and its restartPolicyRules
     * restart it on the listed exit codes only. A published status is taken after the decisions of
     * its round, so a container shown terminated rather than in back-off was decided not to restart.
     */
    @Test
    void aContainersOwnRestartPolicyAndRulesOverrideThePods() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: rules}
                spec:
                  restartPolicy: Always
                  volumes: [{name: work, emptyDir: {}}]
                  containers:
                  - {name: web, image: busybox:local, command: [sleep, "3600"]}
                  - {name: once, image: busybox:local, restartPolicy: Never, command: [sh, -c, "exit 0"]}
                  - name: job
                    image: busybox:local
                    restartPolicy: Never
                    restartPolicyRules: [{action: Restart, exitCodes: {operator: In, values: [42]}}]
                    command: [sh, -c, "if [ -f /work/tried ]; then exit 1; fi; touch /work/tried; exit 42"]
                    volumeMounts: [{name: work, mountPath: /work}]
                """));
        PodStatus settled = await("rules", s -> s.containers().get(2).restartCount() == 1
                && s.containers().get(2).state().is(ContainerState.Kind.TERMINATED));
        ContainerStatus job = settled.containers().get(2);
        assertEquals(1, job.state().exitCode(), "restarted once, on 42; then 1 is not listed and Never decides");
        assertEquals(42, job.lastState().exitCode());
        ContainerStatus once = settled.containers().get(1);
        assertEquals(ContainerState.Kind.TERMINATED, once.state().kind(), "Never overrides the pod's Always");
        assertEquals(0, once.restartCount());
        assertEquals("Running", settled.phase(), "the web container runs on");
        Path logs = base.resolve("logs").resolve(settled.namespace() + "_rules_" + settled.uid());
        assertTrue(Files.isDirectory(logs.resolve("job")), "logs while the pod exists");
        engine.delete("rules", Duration.ofSeconds(1)).get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Files.exists(logs)) { // removed once the last lines are in, on the log pump's thread
            assertTrue(System.nanoTime() < deadline, "a deleted pod's logs are removed with it, as kubelet removes them");
            Thread.onSpinWait();
        }
    }

    @Test
    void activeDeadlineSecondsFailsThePodAsDeadlineExceeded() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: late}
                spec:
                  activeDeadlineSeconds: 1
                  terminationGracePeriodSeconds: 0
                  initContainers: [{name: slow, image: busybox:local, command: [tail, -f, /dev/null]}]
                  containers: [{name: app, image: busybox:local, command: ["true"]}]
                """));
        PodStatus done = await("late", PodStatus::finished);
        assertEquals("Failed", done.phase());
        assertEquals("DeadlineExceeded", done.reason());
        assertEquals("DeadlineExceeded", done.display());
    }

    @Test
    void anImageNotInTheStoreUnderNeverIsReportedAndUsedOnceItIsImported() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: ghost}
                spec:
                  containers:
                  - {name: app, image: busybox:local, command: [tail, -f, /dev/null]}
                  - {name: other, image: "nope:1.0", imagePullPolicy: Never, command: [tail, -f, /dev/null]}
                """));
        PodStatus waiting = await("ghost", s -> s.display().equals("ErrImageNeverPull"));
        ContainerState other = waiting.containers().get(1).state();
        assertEquals("Container image \"nope:1.0\" is not present with pull policy of Never", other.message());
        assertTrue(waiting.events().stream().anyMatch(e -> e.reason().equals("ErrImageNeverPull") && e.object().equals("other")));
        assertTrue(waiting.events().stream().noneMatch(e -> e.reason().equals("Pulling")), "Never pulls nothing");
        images.importImage(io.podshim.runtime.container.BusyboxImage.create(base.resolve("nope")), "nope:1.0",
                io.podshim.runtime.image.ImportProgress.NONE);
        PodStatus running = await("ghost", s -> s.containers().stream().allMatch(c -> c.state().is(ContainerState.Kind.RUNNING)));
        assertEquals(0, running.containers().get(1).restartCount(), "an image that was missing costs no restart");
    }

    @Test
    void anImageNameThatIsNoReferenceIsRefusedNamingTheField() {
        PodException e = assertThrows(PodException.class, () -> engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: bad}
                spec:
                  containers: [{name: app, image: busybox:local}, {name: other, image: "Nope:1.0"}]
                """)));
        assertEquals(PodException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().startsWith("spec.containers[1].image: InvalidImageName: image reference \"Nope:1.0\""),
                e.getMessage());
        assertTrue(engine.status("bad").isEmpty());
    }

    @Test
    void twentyPodsAreSupervisedByOneThread() throws Exception {
        for (int i = 0; i < 20; i++) {
            engine.run(pod("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: idle-%d}
                    spec:
                      containers: [{name: app, image: busybox:local, command: [tail, -f, /dev/null]}]
                    """.formatted(i)));
        }
        for (int i = 0; i < 20; i++) {
            await("idle-" + i, s -> s.display().equals("Running"));
        }
        long supervisors = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("pod-supervisor")).count();
        assertEquals(1, supervisors);
        assertEquals(20, engine.list().size());
    }
}
