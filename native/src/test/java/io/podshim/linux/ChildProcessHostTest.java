package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostTest;
import java.time.Duration;
import java.util.Optional;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@HostTest
class ChildProcessHostTest {

    private static ChildProcess sh(String script) {
        return Spawn.start(SpawnSpec.of("/bin/sh", "-c", script).stdin(Stdio.devNull()).build());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 42, 127, 255})
    void exitCodesAreReportedExactly(int code) {
        try (ChildProcess child = sh("exit " + code)) {
            assertEquals(ExitStatus.exited(code), child.waitFor());
        }
    }

    @Test
    void aProcessKilledByASignalIsReportedWithThatSignal() {
        try (ChildProcess child = sh("kill -TERM $$")) {
            ExitStatus status = child.waitFor();
            assertEquals(ExitStatus.killed(Signal.SIGTERM.intValue(), false), status);
            assertEquals(143, status.code());
        }
    }

    @Test
    void aSignalSentThroughThePidFdKillsAndIsReported() {
        try (Pipe in = Pipe.open();
             ChildProcess child = Spawn.start(SpawnSpec.of("/bin/sh", "-c", "read line")
                     .stdin(Stdio.of(in.readEnd())).build())) {
            assertEquals(Optional.empty(), child.exitStatus(), "still running");
            child.signal(Signal.SIGKILL);
            assertEquals(ExitStatus.killed(9, false), child.waitFor());
        }
    }

    @Test
    void aTimedWaitReturnsEmptyWhileRunningAndTheStatusOnceItExits() {
        try (Pipe in = Pipe.open();
             ChildProcess child = Spawn.start(SpawnSpec.of("/bin/sh", "-c", "read line; exit 5")
                     .stdin(Stdio.of(in.readEnd())).build())) {
            assertEquals(Optional.empty(), child.waitFor(Duration.ofMillis(20)));
            in.writeEnd().close();
            assertEquals(Optional.of(ExitStatus.exited(5)), child.waitFor(Duration.ofSeconds(30)));
            assertEquals(Optional.of(ExitStatus.exited(5)), child.exitStatus(), "the status is kept once reaped");
        }
    }

    @Test
    void signallingAReapedProcessFailsWithEsrchInsteadOfHittingAReusedPid() {
        try (ChildProcess child = sh("exit 0")) {
            child.waitFor();
            SyscallException e = assertThrows(SyscallException.class, () -> child.signal(Signal.SIGTERM));
            assertEquals(Errno.ESRCH, e.errno());
            assertEquals("pidfd_send_signal(pidfd:" + child.pid() + ", SIGTERM): ESRCH (No such process)", e.getMessage());
        }
    }

    @Test
    void stdoutGoesWhereItIsSentAndTheEnvironmentIsExactlyTheOneGiven() {
        try (Pipe out = Pipe.open()) {
            SpawnSpec spec = SpawnSpec.of("/bin/sh", "-c", "echo \"$GREETING\"; env | wc -l; pwd")
                    .env(java.util.List.of("GREETING=hello pod", "PATH=/usr/bin:/bin"))
                    .workingDir("/tmp").stdin(Stdio.devNull()).stdout(Stdio.of(out.writeEnd())).build();
            try (ChildProcess child = Spawn.start(spec)) {
                out.writeEnd().close();
                String text = Scripts.readAll(out.readEnd());
                assertEquals(ExitStatus.exited(0), child.waitFor());
                // sh adds PWD (and dash nothing else) to the two variables it was given.
                String[] lines = text.split("\n");
                assertEquals("hello pod", lines[0]);
                assertTrue(Integer.parseInt(lines[1].trim()) <= 4, "env had " + lines[1] + " entries");
                assertEquals("/tmp", lines[2]);
            }
        }
    }
}
