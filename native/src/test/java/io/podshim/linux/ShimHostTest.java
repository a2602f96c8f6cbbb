package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import jnr.constants.platform.Signal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shim as the parent of its child: the pid it reports, the record it writes, how it ends, what it keeps. */
@HostTest
class ShimHostTest {
    private Path base;
    private Path shim;
    private HostSnapshot before;

    @BeforeEach
    void install() throws IOException {
        before = HostSnapshot.take();
        base = Path.of("/run/podshim-test-" + UUID.randomUUID().toString().substring(0, 8));
        shim = Shim.install(base.resolve("bin"));
        Files.createDirectories(base.resolve("run"));
    }

    @AfterEach
    void remove() throws IOException {
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
        HostSnapshot.takeAndCompare(before);
    }

    /** A started shim around {@code sh -c script}, the pid of that sh, and the numbers of its kept descriptors. */
    private record Started(ChildProcess shim, int child, List<Integer> kept) {}

    private Started start(String script, Shim.PidNamespace pidNamespace, Stdio stdin, Stdio stdout, List<Fd> keep) {
        SpawnSpec stage = SpawnSpec.of("/bin/sh", "-c", script).env(Scripts.ENV).stdin(stdin).stdout(stdout).build();
        try (Pipe report = Pipe.open()) {
            Shim.Launch launch = Shim.spec(shim, stage, null, base.resolve("run"), pidNamespace, report.writeEnd(), keep);
            ChildProcess process = Spawn.start(launch.spec());
            report.writeEnd().close();
            int child = Shim.awaitReport(report.readEnd()).orElseThrow();
            return new Started(process, child, launch.keptNumbers());
        }
    }

    @Test
    void theShimIsItsChildsParentAndRecordsAndMirrorsHowItEnded() {
        try (Pipe hold = Pipe.open()) {
            Started s = start("read line; exit 7", new Shim.PidNamespace.Host(), Stdio.of(hold.readEnd()), Stdio.devNull(), List.of());
            try (ChildProcess shimProcess = s.shim()) {
                assertEquals(s.shim().pid(), Procfs.parentPid(s.child()).orElseThrow(), "the shim is the parent");
                // A stray SIGTERM to the shim must not cut the child from its record.
                shimProcess.signal(Signal.SIGTERM);
                hold.writeEnd().write("go\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(ExitStatus.exited(7), shimProcess.waitFor(), "the shim ends as its child did");
            }
            assertEquals(ExitStatus.exited(7), Shim.record(base.resolve("run")).orElseThrow().status());
        }
    }

    @Test
    void aChildKilledByASignalIsRecordedAndMirroredAsSuch() {
        Started s = start("kill -KILL $$", new Shim.PidNamespace.Host(), Stdio.devNull(), Stdio.devNull(), List.of());
        try (ChildProcess shimProcess = s.shim()) {
            assertEquals(ExitStatus.killed(9, false), shimProcess.waitFor());
        }
        assertEquals(ExitStatus.killed(9, false), Shim.record(base.resolve("run")).orElseThrow().status());
    }

    @Test
    void withANewPidNamespaceTheChildIsItsPidOne() {
        try (Pipe out = Pipe.open()) {
            Started s = start("echo $$", new Shim.PidNamespace.Create(), Stdio.devNull(), Stdio.of(out.writeEnd()), List.of());
            out.writeEnd().close();
            try (ChildProcess shimProcess = s.shim()) {
                assertEquals("1\n", new String(out.readEnd().readAllBytes(), StandardCharsets.US_ASCII));
                assertEquals(ExitStatus.exited(0), shimProcess.waitFor());
            }
        }
    }

    /**
     * With the reader gone (a daemon killed), the kept read end spares the child SIGPIPE, and what it
     * wrote meanwhile waits in the pipe for whoever takes that read end back from the shim.
     */
    @Test
    void theKeptReadEndOutlivesItsOwnerAndCanBeTakenBack() {
        try (Pipe out = Pipe.open(); Pipe go = Pipe.open()) {
            Started s = start("echo before; read line; echo after; read line", new Shim.PidNamespace.Host(),
                    Stdio.of(go.readEnd()), Stdio.of(out.writeEnd()), List.of(out.readEnd()));
            out.writeEnd().close();
            out.readEnd().close(); // the only reader here is gone
            go.writeEnd().write("1\n".getBytes(StandardCharsets.US_ASCII));
            int kept = s.kept().get(0);
            try (ChildProcess shimProcess = s.shim(); Fd taken = shimProcess.pidFd().takeFd(kept)) {
                go.writeEnd().write("2\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(ExitStatus.exited(0), shimProcess.waitFor(), "no SIGPIPE");
                assertEquals("before\nafter\n", new String(taken.readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
    }

    /**
     * KERNEL-NOTES #25: a process that has exited but is not reaped yet (a zombie) still shows its
     * start time in /proc, yet its descriptors are gone: a restarted daemon must not take such a
     * shim for a live one.
     */
    @Test
    void anExitedShimNotYetReapedLooksAliveInProcButItsDescriptorsAreGone() {
        try (Pipe out = Pipe.open()) {
            Started s = start("exit 0", new Shim.PidNamespace.Host(), Stdio.devNull(), Stdio.devNull(), List.of(out.readEnd()));
            try (ChildProcess shimProcess = s.shim()) {
                assertTrue(shimProcess.pidFd().awaitExit(java.time.Duration.ofMinutes(1)));
                assertTrue(Procfs.startTime(shimProcess.pid()).isPresent(), "a zombie still has its stat");
                assertEquals("Z", Procfs.state(shimProcess.pid()).orElseThrow());
                int kept = s.kept().get(0);
                SyscallException e = org.junit.jupiter.api.Assertions.assertThrows(SyscallException.class,
                        () -> shimProcess.pidFd().takeFd(kept));
                assertEquals(jnr.constants.platform.Errno.ESRCH, e.errno(), e.getMessage());
                assertEquals(ExitStatus.exited(0), shimProcess.waitFor());
            }
        }
    }
}
