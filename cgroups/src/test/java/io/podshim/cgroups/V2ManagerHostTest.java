package io.podshim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.podshim.testing.HostTest;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The contract on a real cgroup v2 hierarchy, plus what only v2 has. Skipped, with the reason, elsewhere. */
@HostTest
class V2ManagerHostTest extends CgroupManagerContract {

    @Override
    CgroupManager manager() {
        CgroupHost host = CgroupHost.detect();
        Assumptions.assumeTrue(host.mode() == CgroupMode.V2 && host.v2Controllers().containsAll(Set.of("cpu", "memory", "pids")),
                "cgroup v2 with the cpu, memory and pids controllers is not available: this host is " + host.mode()
                        + (host.unifiedMount() == null ? "" : " and its cgroup2 at " + host.unifiedMount() + " offers "
                        + host.v2Controllers()) + "; these tests run on a cgroup v2 host");
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

    private String read(CgroupPath path, String file) {
        return CgroupFiles.read(manager.directory(path, "memory").resolve(file));
    }
}
