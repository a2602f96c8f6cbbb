package io.podshim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both managers against file layouts of cgroupfs: what they write, and how they read counters. */
class ManagerFixtureTest {
    private static final CgroupPath POD = CgroupPath.of("podshim", "burstable", "pod1234");
    private static final CgroupLimits LIMITS = new CgroupLimits(250, 500L, 64L << 20, 100L);

    @TempDir
    Path root;

    @Test
    void v1WritesEachLimitIntoItsControllersHierarchy() throws IOException {
        CgroupManager v1 = CgroupManager.forHost(Fixtures.host(root, Fixtures.HYBRID_MOUNTINFO, ""));
        Path cgroup = root.resolve("sys/fs/cgroup");
        Fixtures.cgroup(POD.in(cgroup.resolve("cpu")), List.of("cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us"));
        Fixtures.cgroup(POD.in(cgroup.resolve("memory")), List.of("memory.limit_in_bytes"));
        Fixtures.cgroup(POD.in(cgroup.resolve("pids")), List.of("pids.max"));
        v1.create(POD);
        v1.apply(POD, LIMITS);
        assertEquals("256", read(POD.in(cgroup.resolve("cpu")).resolve("cpu.shares")));
        assertEquals("100000", read(POD.in(cgroup.resolve("cpu")).resolve("cpu.cfs_period_us")));
        assertEquals("50000", read(POD.in(cgroup.resolve("cpu")).resolve("cpu.cfs_quota_us")));
        assertEquals("67108864", read(POD.in(cgroup.resolve("memory")).resolve("memory.limit_in_bytes")));
        assertEquals("100", read(POD.in(cgroup.resolve("pids")).resolve("pids.max")));
        assertTrue(Files.isDirectory(POD.in(cgroup.resolve("freezer"))), "created in the freezer hierarchy too");

        v1.apply(POD, CgroupLimits.NONE);
        assertEquals("2", read(POD.in(cgroup.resolve("cpu")).resolve("cpu.shares")));
        assertEquals("-1", read(POD.in(cgroup.resolve("cpu")).resolve("cpu.cfs_quota_us")));
        assertEquals("-1", read(POD.in(cgroup.resolve("memory")).resolve("memory.limit_in_bytes")));
        assertEquals("max", read(POD.in(cgroup.resolve("pids")).resolve("pids.max")));
    }

    @Test
    void v1ReadsUsagePeakCpuPidsAndOomKills() {
        CgroupManager v1 = CgroupManager.forHost(Fixtures.host(root, Fixtures.HYBRID_MOUNTINFO, ""));
        Path cgroup = root.resolve("sys/fs/cgroup");
        Fixtures.cgroup(POD.in(cgroup.resolve("memory")), List.of("memory.usage_in_bytes=1048576\\n",
                "memory.max_usage_in_bytes=2097152\\n", "memory.oom_control=oom_kill_disable 0\\nunder_oom 0\\noom_kill 3\\n"));
        Fixtures.cgroup(POD.in(cgroup.resolve("cpuacct")), List.of("cpuacct.usage=123456789\\n"));
        Fixtures.cgroup(POD.in(cgroup.resolve("pids")), List.of("pids.current=7\\n"));
        assertEquals(new CgroupStats(1 << 20, 2 << 20, 123456789, 7, 3), v1.stats(POD));
        assertEquals(new OomKillEvent(POD, 3), v1.oomKills(POD, 2).orElseThrow());
        assertTrue(v1.oomKills(POD, 3).isEmpty(), "no new kill since 3");
    }

    @Test
    void v2EnablesControllersDownThePathAndWritesTheUnifiedFiles() throws IOException {
        CgroupManager v2 = CgroupManager.forHost(Fixtures.host(root, Fixtures.V2_MOUNTINFO, "cpu memory pids io"));
        Path mount = root.resolve("sys/fs/cgroup");
        Fixtures.cgroup(mount.resolve("podshim"), List.of("cgroup.subtree_control"));
        Fixtures.cgroup(mount.resolve("podshim/burstable"), List.of("cgroup.subtree_control"));
        Fixtures.cgroup(POD.in(mount), List.of("cpu.weight", "cpu.max", "memory.max", "pids.max"));
        v2.create(POD);
        v2.apply(POD, LIMITS);
        assertEquals("+cpu +memory +pids", read(mount.resolve("cgroup.subtree_control")));
        assertEquals("+cpu +memory +pids", read(mount.resolve("podshim/burstable/cgroup.subtree_control")));
        assertEquals("10", read(POD.in(mount).resolve("cpu.weight")), "256 shares → weight 10");
        assertEquals("50000 100000", read(POD.in(mount).resolve("cpu.max")));
        assertEquals("67108864", read(POD.in(mount).resolve("memory.max")));
        assertEquals("100", read(POD.in(mount).resolve("pids.max")));

        v2.apply(POD, CgroupLimits.NONE);
        assertEquals("max 100000", read(POD.in(mount).resolve("cpu.max")));
        assertEquals("max", read(POD.in(mount).resolve("memory.max")));
    }

    @Test
    void v2ReadsTheUnifiedCountersAndCopesWithoutMemoryPeak() {
        CgroupManager v2 = CgroupManager.forHost(Fixtures.host(root, Fixtures.V2_MOUNTINFO, "cpu memory pids"));
        Path dir = POD.in(root.resolve("sys/fs/cgroup"));
        Fixtures.cgroup(dir, List.of("memory.current=4096\\n", "cpu.stat=usage_usec 1500\\nuser_usec 1000\\nsystem_usec 500\\n",
                "pids.current=2\\n", "memory.events=low 0\\nhigh 0\\nmax 4\\noom 2\\noom_kill 1\\n"));
        assertEquals(new CgroupStats(4096, -1, 1_500_000, 2, 1), v2.stats(POD));
    }

    @Test
    void aRefusedWriteNamesTheFileAndTheValue() {
        CgroupManager v1 = CgroupManager.forHost(Fixtures.host(root, Fixtures.HYBRID_MOUNTINFO, ""));
        // The file is missing, as it would be under a controller that is not mounted.
        CgroupException e = assertThrows(CgroupException.class, () -> v1.apply(POD, LIMITS));
        Path shares = POD.in(root.resolve("sys/fs/cgroup/cpu")).resolve("cpu.shares");
        assertEquals("write " + shares + " = \"256\": ENOENT (No such file or directory)", e.getMessage());
    }

    @Test
    void aPodCgroupIsPlacedUnderItsQosLevelAsKubeletDoes() {
        PodCgroups pods = new PodCgroups(CgroupManager.forHost(Fixtures.host(root, Fixtures.HYBRID_MOUNTINFO, "")), "podshim", null);
        assertEquals("podshim/pod42", pods.podPath("42", QosClass.GUARANTEED).toString());
        assertEquals("podshim/burstable/pod42", pods.podPath("42", QosClass.BURSTABLE).toString());
        assertEquals("podshim/besteffort/pod42", pods.podPath("42", QosClass.BEST_EFFORT).toString());
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file).trim();
    }
}
