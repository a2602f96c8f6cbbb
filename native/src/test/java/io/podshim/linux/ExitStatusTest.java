package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExitStatusTest {

    @Test
    void anExitCodeIsReportedAsItIs() {
        ExitStatus status = ExitStatus.exited(3);
        assertFalse(status.wasSignaled());
        assertEquals(3, status.code());
        assertEquals("exited 3", status.toString());
    }

    @Test
    void aSignalDeathIs128PlusTheSignalAsShellsAndKubernetesReportIt() {
        ExitStatus status = ExitStatus.killed(9, false);
        assertTrue(status.wasSignaled());
        assertEquals(137, status.code());
        assertEquals("killed by SIGKILL", status.toString());
        assertEquals("killed by SIGSEGV (core dumped)", ExitStatus.killed(11, true).toString());
    }
}
