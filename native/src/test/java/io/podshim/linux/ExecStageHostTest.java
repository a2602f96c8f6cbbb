package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@HostTest
class ExecStageHostTest {
    static final long DEFAULT_CAPS = Capabilities.DEFAULT;

    private static Path base;
    private static Path helper;

    @BeforeAll
    static void install() {
        base = Path.of("/run/podshim-test-" + UUID.randomUUID().toString().substring(0, 8));
        helper = ExecStage.install(base.resolve("bin"));
    }

    @AfterAll
    static void remove() throws IOException {
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    record Run(Optional<StartFailure> failure, ExitStatus status, String stdout) {}

    /** A request with everything off, running {@code argv}. */
    static ExecStage.Request request(List<String> argv) {
        return new ExecStage.Request(null, null, null, null, List.of(), List.of(), null, null, -1, -1, null, false,
                argv, Scripts.ENV, Stdio.devNull(), Stdio.devNull(), Stdio.devNull());
    }

    static ExecStage.Request with(ExecStage.Request r, Fd gate, Fd status, Fd stdout) {
        return new ExecStage.Request(gate, status, r.procMount(), r.root(), r.masked(), r.readOnly(), r.workingDir(),
                r.capabilities(), r.uid(), r.gid(), r.groups(), r.noNewPrivileges(), r.argv(), r.env(), r.stdin(),
                Stdio.of(stdout), r.stderr());
    }

    /** Spawns the exec stage per {@code plan}; {@code release} decides what the gate (if any) gets. */
    static Run run(NamespacePlan plan, ExecStage.Request base, Boolean release) {
        try (Pipe status = Pipe.open(); Pipe out = Pipe.open(); Pipe gate = Pipe.open()) {
            ExecStage.Request r = with(base, release == null ? null : gate.readEnd(), status.writeEnd(), out.writeEnd());
            try (ChildProcess child = NamespaceThread.spawn(plan, ExecStage.spec(helper, r))) {
                status.writeEnd().close();
                out.writeEnd().close();
                gate.readEnd().close();
                if (Boolean.TRUE.equals(release)) {
                    gate.writeEnd().write("1\n".getBytes(StandardCharsets.US_ASCII));
                }
                gate.writeEnd().close();
                Optional<StartFailure> failure = ExecStage.awaitStart(status.readEnd(), r.argv().get(0));
                String stdout = new String(out.readEnd().readAllBytes(), StandardCharsets.UTF_8);
                return new Run(failure, child.waitFor(), stdout);
            }
        }
    }

    static Run run(ExecStage.Request request) {
        return run(NamespacePlan.named("test-exec").build(), request, null);
    }

    @Test
    void aStartedPayloadLeavesTheStatusEmptyAndKeepsItsEnvironment() {
        ExecStage.Request r = request(List.of("sh", "-c", "echo \"$GREETING\""));
        r = new ExecStage.Request(null, null, null, null, List.of(), List.of(), "/tmp", null, -1, -1, null, false,
                r.argv(), List.of("PATH=/usr/bin:/bin", "GREETING=hello"), Stdio.devNull(), Stdio.devNull(), Stdio.devNull());
        Run run = run(r);
        assertEquals(Optional.empty(), run.failure());
        assertEquals("hello\n", run.stdout());
        assertEquals(ExitStatus.exited(0), run.status());
    }

    @Test
    void aMissingProgramIsAStartFailureNamingThePath() {
        Run run = run(request(List.of("/bin/nginx")));
        StartFailure failure = run.failure().orElseThrow();
        assertEquals("exec", failure.step());
        assertEquals(Errno.ENOENT, failure.errno());
        assertEquals("exec: \"/bin/nginx\": no such file or directory", failure.message());
        assertEquals(ExitStatus.exited(128), run.status());
    }

    @Test
    void aFileThatIsNotExecutableIsAStartFailureThatSaysSo() throws IOException {
        Path data = Files.writeString(base.resolve("data.txt"), "not a program\n");
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        StartFailure failure = run(request(List.of(data.toString()))).failure().orElseThrow();
        assertEquals(Errno.EACCES, failure.errno());
        assertEquals("exec: \"" + data + "\": permission denied (is it an executable file?)", failure.message());
        Files.delete(data);
    }

    @Test
    void thePayloadRunsOnlyOnceTheGateReleasesIt() {
        ExecStage.Request r = request(List.of("sh", "-c", "echo payload"));
        Run released = run(NamespacePlan.named("test-gate").build(), r, true);
        assertEquals("payload\n", released.stdout());
        Run abandoned = run(NamespacePlan.named("test-gate").build(), r, false);
        assertEquals("", abandoned.stdout(), "a gate closed without release runs nothing");
        assertEquals("gate", abandoned.failure().orElseThrow().step());
        assertEquals(ExitStatus.exited(128), abandoned.status());
    }

    @Test
    void capabilitiesAreDroppedToTheDefaultContainerSet() {
        ExecStage.Request r = request(List.of("grep", "-E", "^Cap(Eff|Prm|Bnd)", "/proc/self/status"));
        r = new ExecStage.Request(null, null, null, null, List.of(), List.of(), null, DEFAULT_CAPS, -1, -1, null, false,
                r.argv(), r.env(), Stdio.devNull(), Stdio.devNull(), Stdio.devNull());
        String hex = String.format("%016x", DEFAULT_CAPS);
        assertEquals("CapPrm:\t" + hex + "\nCapEff:\t" + hex + "\nCapBnd:\t" + hex + "\n", run(r).stdout());
    }

    @Test
    void aNonRootUserGetsItsIdsGroupsNoCapabilitiesAndNoNewPrivileges() {
        ExecStage.Request r = new ExecStage.Request(null, null, null, null, List.of(), List.of(), null, DEFAULT_CAPS,
                1000, 1001, List.of(1001L, 5L), true, List.of("grep", "-E", "^(Uid|Gid|Groups|CapEff|NoNewPrivs)",
                "/proc/self/status"), Scripts.ENV, Stdio.devNull(), Stdio.devNull(), Stdio.devNull());
        assertEquals("Uid:\t1000\t1000\t1000\t1000\nGid:\t1001\t1001\t1001\t1001\nGroups:\t5 1001 \n"
                + "CapEff:\t0000000000000000\nNoNewPrivs:\t1\n", run(r).stdout());
    }

    @Test
    void aPivotIntoARootfsShowsThePodsProcessesAndMasksWhatRuncMasks() throws IOException {
        HostSnapshot before = HostSnapshot.take();
        Path root = Files.createDirectories(base.resolve("rootfs-" + UUID.randomUUID().toString().substring(0, 8)));
        // A rootfs made of the host's /usr, read-only, on a tmpfs that exists only in the new mount namespace.
        NamespacePlan plan = NamespacePlan.named("test-pivot").create(Namespace.PID, Namespace.MNT)
                .then(() -> buildRootfs(root)).build();
        ExecStage.Request r = new ExecStage.Request(null, null, root.resolve("proc").toString(), root.toString(),
                List.of("/proc/timer_list", "/proc/acpi"), List.of("/proc/sys"), "/", null, -1, -1, null, false,
                List.of("sh", "-c", "echo $$; ls /proc | grep -c '^[0-9]'; wc -c < /proc/timer_list; "
                        + "grep -c ' /proc/acpi .* - tmpfs ' /proc/self/mountinfo; "
                        + "(echo x > /proc/sys/kernel/hostname) 2>/dev/null || echo read-only; ls /"),
                Scripts.ENV, Stdio.devNull(), Stdio.devNull(), Stdio.devNull());
        Run run = run(plan, r, null);
        assertEquals(Optional.empty(), run.failure());
        List<String> lines = List.of(run.stdout().split("\n"));
        assertEquals("1", lines.get(0), "pid 1 of its own pid namespace");
        assertTrue(Integer.parseInt(lines.get(1)) <= 3, "processes in /proc: " + lines.get(1));
        assertEquals("0", lines.get(2).trim(), "/proc/timer_list is /dev/null");
        assertEquals("1", lines.get(3), "/proc/acpi is an empty tmpfs");
        assertEquals("read-only", lines.get(4));
        assertEquals(List.of("bin", "dev", "lib", "lib64", "proc", "sbin", "usr"), lines.subList(5, lines.size()));
        Files.delete(root);
        HostSnapshot.takeAndCompare(before);
    }

    private static void buildRootfs(Path root) throws IOException {
        Mounts.mount("rootfs", root.toString(), "tmpfs", 0, "size=1m");
        for (String dir : List.of("usr", "proc", "dev")) {
            Files.createDirectory(root.resolve(dir));
        }
        Mounts.bind("/usr", root.resolve("usr").toString(), true, true);
        for (String link : List.of("bin", "sbin", "lib", "lib64")) {
            Path host = Path.of("/" + link);
            if (Files.isSymbolicLink(host)) {
                Files.createSymbolicLink(root.resolve(link), Files.readSymbolicLink(host));
            } else {
                Files.createDirectory(root.resolve(link));
                Mounts.bind(host.toString(), root.resolve(link).toString(), true, true);
            }
        }
        Files.createFile(root.resolve("dev/null"));
        Mounts.bind("/dev/null", root.resolve("dev/null").toString(), false, false);
    }

}
