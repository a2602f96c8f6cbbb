package io.podshim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.podshim.testing.HostTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The contract on this host's real v1 controllers, plus what only v1 has. */
@HostTest
class V1ManagerHostTest extends CgroupManagerContract {

    @Override
    CgroupManager manager() {
        CgroupHost host = CgroupHost.detect();
        Assumptions.assumeTrue(host.mode() != CgroupMode.V2,
                "cgroup v1 controllers are not mounted: this host is cgroup v2 only (V2ManagerHostTest runs instead)");
        return new V1Manager(host);
    }

    @Test
    void limitsAreWrittenAndReadBackFromTheKernel() {
        CgroupPath path = root.child("limits");
        manager.create(path);
        manager.apply(path, new CgroupLimits(250, 500L, 64L << 20, 100L));
        assertEquals("256", read(path, "cpu", "cpu.shares"));
        assertEquals("100000", read(path, "cpu", "cpu.cfs_period_us"));
        assertEquals("50000", read(path, "cpu", "cpu.cfs_quota_us"));
        assertEquals("67108864", read(path, "memory", "memory.limit_in_bytes"));
        assertEquals("100", read(path, "pids", "pids.max"));
        manager.apply(path, CgroupLimits.NONE);
        assertEquals("-1", read(path, "cpu", "cpu.cfs_quota_us"));
        assertEquals("max", read(path, "pids", "pids.max"));
    }

    @Test
    void theKernelsRefusalNamesTheFileAndTheValue() {
        CgroupPath path = root.child("refused");
        manager.create(path);
        Path file = manager.directory(path, "memory").resolve("memory.limit_in_bytes");
        CgroupException e = org.junit.jupiter.api.Assertions.assertThrows(CgroupException.class,
                () -> CgroupFiles.write(file, "x"));
        assertEquals("write " + file + " = \"x\": EINVAL (Invalid argument)", e.getMessage());
    }

    private String read(CgroupPath path, String controller, String file) {
        return CgroupFiles.read(manager.directory(path, controller).resolve(file));
    }
}
