package io.podshim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Pipe;
import io.podshim.testing.CgroupV2;
import io.podshim.testing.HostTest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contract on a real cgroup v2 hierarchy, plus what only v2 has. Skipped, with the reason, elsewhere. */
@HostTest
class V2ManagerHostTest extends CgroupManagerContract {

    @Override
    CgroupManager manager() {
        CgroupHost host = CgroupHost.detect();
        CgroupV2.assumeAvailable(host.mode() == CgroupMode.V2 && host.v2Controllers().containsAll(Set.of("cpu", "memory", "pids"))
                ? null : "cgroup v2 with the cpu, memory and pids controllers is not available: this host is " + host.mode()
                        + (host.unifiedMount() == null ? "" : " and its cgroup2 at " + host.unifiedMount() + " offers "
                        + host.v2Controllers()) + "; these tests run on a cgroup v2 host (vm/run.sh boots one)");
        return new V2Manager(host);
    }

    @Test
    void limitsAreWrittenAndReadBackFromTheKernel() {
        CgroupPath path = root.child("limits");
        manager.create(path);
        manager.apply(path, new CgroupLimits(250, 500L, 64L << 20, 100L));
        assertEquals("10", read(path, "cpu.weight"));
        assertEquals("50000 100000", read(path, "cpu.max"));
        assertEquals("67108864", read(path, "memory.max"));
        assertEquals("100", read(path, "pids.max"));
    }

    @Test
    void withoutCgroupKillAFrozenSubtreeIsKilledWholeEvenWhileItForksAndLeftThawed() {
        CgroupPath pod = root.child("pod");
        CgroupPath app = pod.child("app");
        CgroupPath sidecar = pod.child("sidecar");
        manager.create(app);
        manager.create(sidecar);
        try (Pipe hold = Pipe.open(); Pipe ready = Pipe.open();
             ChildProcess forker = startIn(app,
                     "i=0; while [ $i -lt 20 ]; do (read x <&4) & i=$((i+1)); done; echo ready; while :; do /bin/true; done",
                     ready.writeEnd(), hold.readEnd());
             ChildProcess stubborn = startIn(sidecar, "trap '' TERM; read z <&4", null, hold.readEnd())) {
            assertEquals("ready", readLine(ready.readEnd()));
            assertTrue(manager.pids(pod).size() >= 21, "20 readers and the forking shell: " + manager.pids(pod));
            ((V2Manager) manager).killAll(pod, TIMEOUT, false);
            assertEquals(List.of(), manager.pids(pod));
            assertEquals(ExitStatus.killed(9, false), forker.waitFor());
            assertEquals(ExitStatus.killed(9, false), stubborn.waitFor());
            assertEquals("0", read(pod, "cgroup.freeze"), "thawed again");
        }
        // A process placed afterwards runs: nothing was left frozen.
        try (Pipe out = Pipe.open(); ChildProcess after = startIn(app, "echo ran", out.writeEnd(), null)) {
            out.writeEnd().close();
            assertEquals("ran\n", readAll(out.readEnd()));
            assertEquals(ExitStatus.exited(0), after.waitFor());
        }
    }

    private String read(CgroupPath path, String file) {
        return CgroupFiles.read(manager.directory(path, "memory").resolve(file));
    }
}
