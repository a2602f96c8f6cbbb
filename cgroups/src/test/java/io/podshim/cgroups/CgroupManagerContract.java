package io.podshim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.Pipe;
import io.podshim.linux.Spawn;
import io.podshim.linux.SpawnSpec;
import io.podshim.linux.Stdio;
import io.podshim.testing.HostSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every cgroup manager must do on a real kernel; each version's host test runs it. */
abstract class CgroupManagerContract {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin");

    CgroupManager manager;
    CgroupPath root;
    private HostSnapshot before;

    abstract CgroupManager manager();

    @BeforeEach
    void createRoot() {
        manager = manager();
        root = CgroupPath.of("podshim-test-" + UUID.randomUUID().toString().substring(0, 8));
        before = HostSnapshot.take();
    }

    @AfterEach
    void removeRoot() {
        if (manager == null) {
            return; // skipped: this host lacks the cgroup version under test
        }
        manager.killAll(root, TIMEOUT);
        manager.remove(root, TIMEOUT);
        assertFalse(manager.exists(root), "the test cgroups are gone");
        HostSnapshot.takeAndCompare(before);
    }

    /** Starts {@code script} held at the gate until it is in {@code path}; {@code extra} becomes fd 4. */
    ChildProcess startIn(CgroupPath path, String script, Fd stdout, Fd extra) {
        try (CgroupGate gate = new CgroupGate()) {
            SpawnSpec.Builder spec = SpawnSpec.of("/bin/sh", "-c", "read go <&3 || exit 99; exec 3<&-; " + script)
                    .env(ENV).stdin(Stdio.devNull()).stdout(stdout == null ? Stdio.devNull() : Stdio.of(stdout))
                    .stderr(Stdio.devNull()).inherit(gate.childEnd());
            if (extra != null) {
                spec.inherit(extra);
            }
            ChildProcess child = Spawn.start(spec.build());
            gate.release(manager, path, child.pid());
            return child;
        }
    }

    static String readAll(Fd fd) {
        return new String(fd.readAllBytes(), StandardCharsets.UTF_8);
    }

    static String readLine(Fd fd) {
        StringBuilder line = new StringBuilder();
        byte[] one = new byte[1];
        while (fd.read(one) == 1 && one[0] != '\n') {
            line.append((char) one[0]);
        }
        return line.toString();
    }

    @Test
    void aProcessIsInItsCgroupBeforeItRunsItsPayload() {
        CgroupPath path = root.child("placed");
        manager.create(path);
        try (Pipe out = Pipe.open(); ChildProcess child = startIn(path, "cat /proc/self/cgroup", out.writeEnd(), null)) {
            out.writeEnd().close();
            String cgroups = readAll(out.readEnd());
            assertEquals(ExitStatus.exited(0), child.waitFor());
            assertTrue(cgroups.contains(":/" + path + "\n"), "the payload's first view of itself:\n" + cgroups);
        }
    }

    @Test
    void aChildWhoseGateClosesWithoutReleaseNeverRunsItsPayload() {
        try (Pipe out = Pipe.open()) {
            ChildProcess child;
            try (CgroupGate gate = new CgroupGate()) {
                child = Spawn.start(SpawnSpec.of("/bin/sh", "-c", "read go <&3 || exit 99; echo payload").env(ENV)
                        .stdin(Stdio.devNull()).stdout(Stdio.of(out.writeEnd())).inherit(gate.childEnd()).build());
            }
            out.writeEnd().close();
            assertEquals("", readAll(out.readEnd()));
            assertEquals(ExitStatus.exited(99), child.waitFor());
            child.close();
        }
    }

    @Test
    void aMemoryHogBeyondItsLimitIsOomKilledAndTheKillIsCounted() {
        CgroupPath path = root.child("hog");
        manager.create(path);
        manager.apply(path, new CgroupLimits(0, null, 32L << 20, null));
        long seen = Math.max(0, manager.stats(path).oomKills());
        // dd allocates its 64 MiB block at once and fills it.
        try (ChildProcess hog = startIn(path, "exec dd if=/dev/zero of=/dev/null bs=64M count=1", null, null)) {
            assertEquals(ExitStatus.killed(9, false), hog.waitFor());
        }
        assertEquals(new OomKillEvent(path, seen + 1), manager.oomKills(path, seen).orElseThrow());
    }

    @Test
    void aForkBombStopsAtPidsMax() {
        CgroupPath path = root.child("bomb");
        manager.create(path);
        manager.apply(path, new CgroupLimits(0, null, null, 16L));
        try (Pipe hold = Pipe.open(); Pipe out = Pipe.open();
             ChildProcess bomb = startIn(path,
                     "i=0; while [ $i -lt 64 ]; do (read x <&4) >/dev/null 2>&1 & i=$((i+1)); done; echo all", out.writeEnd(), hold.readEnd())) {
            out.writeEnd().close();
            String said = readAll(out.readEnd());
            assertEquals("", said, "the shell cannot fork all 64: it fails before saying \"all\"");
            assertTrue(bomb.waitFor().exitCode() != 0);
            long current = manager.stats(path).pidsCurrent();
            assertTrue(current > 0 && current <= 16, "pids.current " + current);
            long hitMax = CgroupFiles.readKeyed(manager.directory(path, "pids").resolve("pids.events")).get("max");
            assertTrue(hitMax > 0, "pids.events max " + hitMax);
        }
    }

    @Test
    void aBusyLoopUnderATwoHundredMillicoreQuotaGetsAboutAFifthOfACpu() throws InterruptedException {
        CgroupPath path = root.child("busy");
        manager.create(path);
        manager.apply(path, new CgroupLimits(0, 200L, null, null));
        try (ChildProcess loop = startIn(path, "while :; do :; done", null, null)) {
            long cpu0 = manager.stats(path).cpuUsageNanos();
            long wall0 = System.nanoTime();
            Thread.sleep(1500); // the measurement window, not a wait for an event
            double share = (manager.stats(path).cpuUsageNanos() - cpu0) / (double) (System.nanoTime() - wall0);
            loop.kill();
            // Loose on purpose: the quota is enforced per 100 ms period; this checks the limit took hold.
            assertTrue(share > 0.1 && share < 0.3, "CPU share under a 0.2 quota: " + share);
        }
    }

    @Test
    void killAllEndsEveryProcessBelowAndRemoveLeavesNothing() {
        CgroupPath pod = root.child("pod");
        CgroupPath app = pod.child("app");
        CgroupPath sidecar = pod.child("sidecar");
        manager.create(app);
        manager.create(sidecar);
        try (Pipe hold = Pipe.open(); Pipe readyA = Pipe.open(); Pipe readyB = Pipe.open();
             ChildProcess a = startIn(app, "(read x <&4) & (read y <&4) & echo ready; read z <&4", readyA.writeEnd(), hold.readEnd());
             ChildProcess b = startIn(sidecar, "trap '' TERM; echo ready; read z <&4", readyB.writeEnd(), hold.readEnd())) {
            assertEquals("ready", readLine(readyA.readEnd()));
            assertEquals("ready", readLine(readyB.readEnd()));
            assertEquals(4, manager.pids(pod).size(), "processes below the pod: " + manager.pids(pod));
            manager.killAll(pod, TIMEOUT);
            assertEquals(List.of(), manager.pids(pod));
            assertEquals(ExitStatus.killed(9, false), a.waitFor());
            assertEquals(ExitStatus.killed(9, false), b.waitFor());
            manager.remove(pod, TIMEOUT);
            assertFalse(manager.exists(pod));
            manager.remove(pod, TIMEOUT);
        }
    }

    @Test
    void removeIfEmptyNeverRemovesACgroupThatHoldsOthers() {
        CgroupPath level = root.child("burstable");
        manager.create(level.child("pod1"));
        assertFalse(manager.removeIfEmpty(level), "a level with a pod below stays");
        assertTrue(manager.exists(level.child("pod1")));
        manager.remove(level.child("pod1"), TIMEOUT);
        assertTrue(manager.removeIfEmpty(level));
        assertFalse(manager.exists(level));
    }

    @Test
    void podCgroupsAreSizedFromTheEffectiveRequestsAndRemovedWhole() {
        PodCgroups pods = new PodCgroups(manager, root.toString(), 512L);
        ContainerResources init = new ContainerResources("migrate", ContainerResources.Kind.INIT, 1000L, null, null, null);
        ContainerResources web = new ContainerResources("web", ContainerResources.Kind.APP, 250L, 500L, 64L << 20, 128L << 20);
        PodResources resources = PodResources.of(List.of(init, web));
        CgroupPath pod = pods.createPod("1234", resources);
        assertEquals(root + "/burstable/pod1234", pod.toString());
        CgroupPath container = pods.createContainer(pod, web);
        assertTrue(manager.exists(pods.pausePath(pod)));
        assertTrue(manager.exists(container));
        try (Pipe hold = Pipe.open(); ChildProcess pause = startIn(pods.pausePath(pod), "read x <&4", null, hold.readEnd())) {
            assertEquals(List.of((long) pause.pid()), manager.pids(pods.pausePath(pod)));
            pods.removePod(pod, TIMEOUT);
            assertEquals(ExitStatus.killed(9, false), pause.waitFor());
        }
        assertFalse(manager.exists(pod));
    }
}
