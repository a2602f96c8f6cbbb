package io.podshim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.podshim.testcontainers.PodshimContainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What podshim shows about a pod, as a user sees it in Docker: namespaces, OOM kills, init failures, a daemon crash. */
class RuntimeStoriesIT extends PodshimStories {
    @Test
    void theNsTableShowsWhatThePodShares() throws Exception {
        podshim.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: shared}
                spec:
                  containers:
                  - {name: web, image: busybox:local, command: [sleep, "1000"]}
                  - {name: tool, image: busybox:local, command: [sleep, "1000"]}
                """);
        podshim.awaitPod("shared", p -> PodshimContainer.status(p).equals("Running"));
        JsonNode table = new com.fasterxml.jackson.databind.ObjectMapper().readTree(cli("ns", "shared", "-o", "json"));
        String text = cli("ns", "shared");
        assertTrue(text.contains("pause") && text.contains("web") && text.contains("tool"), text);
        // The JSON form: the same net, ipc, uts and pid namespace for the pause and both containers; a mount namespace each.
        List<JsonNode> rows = List.of(table.path("pause"), table.path("web"), table.path("tool"));
        rows.forEach(r -> assertTrue(r.path("pid").asInt() > 0, table.toString()));
        for (String shared : List.of("net", "ipc", "uts", "pid")) {
            assertEquals(1, rows.stream().map(r -> r.path("namespaces").path(shared).asLong()).distinct().count(),
                    shared + " is shared: " + table);
            assertNotEquals(table.path("host").path("namespaces").path(shared).asLong(), rows.get(0).path("namespaces")
                    .path(shared).asLong(), shared + " is the pod's own, not the host's");
        }
        assertEquals(3, rows.stream().map(r -> r.path("namespaces").path("mnt").asLong()).distinct().count(),
                "each has its own mount namespace: " + table);
        cli("delete", "pod", "shared", "--grace-period", "1");
    }

    @Test
    void aContainerBeyondItsMemoryLimitIsReportedOomKilled() {
        podshim.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: hog}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: app
                    image: busybox:local
                    command: [dd, if=/dev/zero, of=/dev/null, bs=64M, count=1]
                    resources: {limits: {memory: 32Mi}}
                """);
        JsonNode done = podshim.awaitPod("hog", p -> p.path("status").path("phase").asText().equals("Failed"));
        JsonNode state = done.path("status").path("containerStatuses").get(0).path("state").path("terminated");
        assertEquals("OOMKilled", state.path("reason").asText());
        assertEquals(137, state.path("exitCode").asInt());
        assertTrue(cli("get", "pods").lines().anyMatch(l -> l.startsWith("hog") && l.contains("OOMKilled")));
        assertTrue(cli("describe", "pod", "hog").contains("exceeded its memory limit"));
        cli("delete", "pod", "hog");
    }

    @Test
    void aFailingInitContainerUnderNeverFailsThePodAndTheAppNeverStarts() {
        podshim.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: broken}
                spec:
                  restartPolicy: Never
                  initContainers:
                  - {name: migrate, image: busybox:local, command: [sh, -c, "echo migration failed >&2; exit 2"]}
                  containers:
                  - {name: app, image: busybox:local, command: [echo, never]}
                """);
        JsonNode failed = podshim.awaitPod("broken", p -> p.path("status").path("phase").asText().equals("Failed"));
        assertEquals("Init:Error", PodshimContainer.status(failed));
        assertEquals(2, failed.path("status").path("initContainerStatuses").get(0).path("state").path("terminated").path("exitCode").asInt());
        assertTrue(failed.path("status").path("containerStatuses").get(0).path("state").has("waiting"), "the app never started: " + failed);
        assertTrue(cli("get", "pods").lines().anyMatch(l -> l.startsWith("broken") && l.contains("Init:Error")));
        assertEquals("migration failed\n", cli("logs", "broken", "-c", "migrate"));
        cli("delete", "pod", "broken");
    }

    @Test
    void theDaemonKilledInsideTheContainerComesBackAndKeepsItsPods() {
        podshim.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: durable}
                spec:
                  containers:
                  - name: counter
                    image: busybox:local
                    command: [sh, -c, "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"]
                """);
        JsonNode before = podshim.awaitPod("durable", p -> PodshimContainer.status(p).equals("Running"));
        int pid = before.path("metadata").path("annotations").path("podshim.io/pid.counter").asInt();
        int daemon = podshim.daemonPid();

        int next = podshim.killDaemon();
        assertNotEquals(daemon, next);
        JsonNode after = podshim.pod("durable");
        assertEquals("Running", PodshimContainer.status(after));
        assertEquals(pid, after.path("metadata").path("annotations").path("podshim.io/pid.counter").asInt(), "the same container process, taken over");
        assertEquals(0, after.path("status").path("containerStatuses").get(0).path("restartCount").asInt());
        assertTrue(cli("describe", "pod", "durable").contains("took the pod over"));
        // Its log goes on with no gap: every tick, in order, across the daemon's death.
        List<String> ticks = cli("logs", "durable").lines().toList();
        assertFalse(ticks.isEmpty());
        for (int i = 0; i < ticks.size(); i++) {
            assertEquals("tick " + (i + 1), ticks.get(i));
        }
        cli("delete", "pod", "durable", "--grace-period", "1");
    }
}
