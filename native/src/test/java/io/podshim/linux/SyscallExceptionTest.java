package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;

class SyscallExceptionTest {

    @Test
    void messageNamesTheCallItsArgumentsAndTheErrno() {
        SyscallException e = new SyscallException("setns", "/proc/4121/ns/net, CLONE_NEWNET", Errno.EINVAL);
        assertEquals("setns(/proc/4121/ns/net, CLONE_NEWNET): EINVAL (Invalid argument)", e.getMessage());
        assertEquals("setns", e.operation());
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void posixSpawnErrorNumbersMapToErrno() {
        SyscallException e = assertThrowsSpawn("/no/such/program");
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("posix_spawn(/no/such/program): ENOENT (No such file or directory)", e.getMessage());
    }

    private static SyscallException assertThrowsSpawn(String path) {
        return org.junit.jupiter.api.Assertions.assertThrows(SyscallException.class,
                () -> Spawn.start(SpawnSpec.of(path).stdin(Stdio.devNull()).build()));
    }
}
