package io.podshim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupHostTest {
    @TempDir
    Path root;

    @Test
    void aHybridHostUsesItsV1HierarchiesAndSeesTheEmptyUnifiedOne() {
        CgroupHost host = Fixtures.host(root, Fixtures.HYBRID_MOUNTINFO, "");
        assertEquals(CgroupMode.HYBRID, host.mode());
        assertEquals(root.resolve("sys/fs/cgroup/memory"), host.v1Mounts().get("memory"));
        assertEquals(root.resolve("sys/fs/cgroup/unified"), host.unifiedMount());
        assertEquals(Set.of(), host.v2Controllers());
        assertEquals(CgroupMode.V1, CgroupManager.forHost(host).mode());
    }

    @Test
    void coMountedControllersShareTheirHierarchy() {
        CgroupHost host = Fixtures.host(root, Fixtures.V1_MOUNTINFO, null);
        assertEquals(CgroupMode.V1, host.mode());
        assertEquals(host.v1Mounts().get("cpu"), host.v1Mounts().get("cpuacct"));
        assertEquals(root.resolve("sys/fs/cgroup/cpu,cpuacct"), host.v1Mounts().get("cpu"));
    }

    @Test
    void aUnifiedHostListsItsControllers() {
        CgroupHost host = Fixtures.host(root, Fixtures.V2_MOUNTINFO, "cpuset cpu io memory hugetlb pids rdma misc");
        assertEquals(CgroupMode.V2, host.mode());
        assertTrue(host.v2Controllers().containsAll(Set.of("cpu", "memory", "pids")));
        assertEquals(CgroupMode.V2, CgroupManager.forHost(host).mode());
    }

    @Test
    void missingControllersAreNamed() {
        CgroupHost v2 = Fixtures.host(root, Fixtures.V2_MOUNTINFO, "cpu io");
        CgroupException e = assertThrows(CgroupException.class, () -> CgroupManager.forHost(v2));
        assertTrue(e.getMessage().contains("does not offer [memory, pids]"), e.getMessage());
    }

    @Test
    void aHostWithoutCgroupsSaysHowToFixIt() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> Fixtures.host(root, "22 1 0:5 / /proc rw - proc proc rw\n", null));
        assertTrue(e.getMessage().startsWith("no cgroup filesystem is mounted"), e.getMessage());
    }

    @Test
    void thisMachineIsDetected() {
        CgroupHost host = CgroupHost.detect();
        assertTrue(host.mode() != null);
    }
}
