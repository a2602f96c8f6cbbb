package io.podshim.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.podshim.cgroups.CgroupPath;
import io.podshim.cgroups.OomKillEvent;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.StartFailure;
import java.util.Optional;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;

class TerminationTest {
    private static final Optional<OomKillEvent> OOM = Optional.of(new OomKillEvent(CgroupPath.of("pod", "app"), 1));

    @Test
    void reasonsAreTheOnesKubernetesReports() {
        assertEquals(new Termination("Completed", 0, ""), Termination.of(ExitStatus.exited(0), Optional.empty()));
        assertEquals(new Termination("Error", 3, ""), Termination.of(ExitStatus.exited(3), Optional.empty()));
        assertEquals(new Termination("Error", 143, ""), Termination.of(ExitStatus.killed(15, false), Optional.empty()));
        assertEquals(new Termination("OOMKilled", 137, ""), Termination.of(ExitStatus.killed(9, false), OOM));
    }

    @Test
    void aSigkillWithoutAnOomKillOrAnOomKillWithoutSigkillIsAnError() {
        assertEquals("Error", Termination.of(ExitStatus.killed(9, false), Optional.empty()).reason());
        assertEquals("Error", Termination.of(ExitStatus.exited(1), OOM).reason());
    }

    @Test
    void aStartFailureIsAStartErrorWithExitCode128AndTheMessage() {
        Termination t = Termination.startError(new StartFailure("exec", Errno.ENOENT, "/bin/nginx"));
        assertEquals(new Termination("StartError", 128, "exec: \"/bin/nginx\": no such file or directory"), t);
    }
}
