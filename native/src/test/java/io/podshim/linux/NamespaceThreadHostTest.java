package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;

@HostTest
class NamespaceThreadHostTest {
    private static final Set<Namespace> POD_KINDS =
            EnumSet.of(Namespace.PID, Namespace.NET, Namespace.UTS, Namespace.IPC, Namespace.MNT);
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void aChildInNewNamespacesIsPidOneWithItsOwnHostnameAndIds() throws IOException {
        Map<String, String> threadsBefore = namespacesOfEveryJvmThread();
        String hostHostname = Hostname.get();
        NamespacePlan plan = NamespacePlan.named("test-new").create(POD_KINDS)
                .then(() -> Hostname.set("pod-under-test")).build();

        try (Scripts.Held held = Scripts.Held.start(plan)) {
            for (Namespace kind : POD_KINDS) {
                assertNotEquals(NamespaceId.of(SELF, kind), NamespaceId.of(held.pid(), kind),
                        kind.procName() + " namespace of the child must be new");
            }
            assertEquals(NamespaceId.of(SELF, Namespace.CGROUP), NamespaceId.of(held.pid(), Namespace.CGROUP),
                    "cgroup namespace was not asked for and must be the host's");
            // NSpid lists the pid in every pid namespace from the host's down: the last is its own view.
            String nspid = statusField(held.pid(), "NSpid");
            assertEquals(held.pid() + "\t1", nspid, "the child is pid 1 of its new pid namespace");
            assertEquals(ExitStatus.exited(0), held.release());
        }

        Scripts.Output out = Scripts.run(plan, "echo $$; cat /proc/sys/kernel/hostname");
        assertEquals(ExitStatus.exited(0), out.status());
        assertEquals("1\npod-under-test\n", out.stdout());

        assertEquals(hostHostname, Hostname.get(), "the host's hostname is untouched");
        Map<String, String> threadsAfter = namespacesOfEveryJvmThread();
        threadsAfter.keySet().retainAll(threadsBefore.keySet());
        threadsBefore.keySet().retainAll(threadsAfter.keySet());
        assertTrue(threadsBefore.size() > 5, "expected the JVM's threads, saw " + threadsBefore.keySet());
        assertEquals(threadsBefore, threadsAfter, "no other JVM thread changed namespace");
    }

    @Test
    void aProcessJoinedByPidFdSharesExactlyTheNamespacesAskedFor() {
        NamespacePlan sandbox = NamespacePlan.named("test-sandbox").create(POD_KINDS)
                .then(() -> Hostname.set("shared-uts")).build();
        try (Scripts.Held pause = Scripts.Held.start(sandbox)) {
            Set<Namespace> joined = EnumSet.of(Namespace.NET, Namespace.UTS, Namespace.IPC, Namespace.PID);
            NamespacePlan member = NamespacePlan.named("test-member")
                    .join(pause.process().pidFd(), joined).create(Namespace.MNT).build();
            try (Scripts.Held container = Scripts.Held.start(member)) {
                for (Namespace kind : joined) {
                    assertEquals(NamespaceId.of(pause.pid(), kind), NamespaceId.of(container.pid(), kind), kind.procName());
                }
                assertNotEquals(NamespaceId.of(pause.pid(), Namespace.MNT), NamespaceId.of(container.pid(), Namespace.MNT));
                assertNotEquals(NamespaceId.of(SELF, Namespace.MNT), NamespaceId.of(container.pid(), Namespace.MNT));
                assertEquals(container.pid() + "\t2", statusField(container.pid(), "NSpid"),
                        "second process of the pod pid namespace");
                container.release();
            }
            Scripts.Output out = Scripts.run(NamespacePlan.named("test-file")
                    .joinFile(Namespace.UTS, Namespace.UTS.procPath(pause.pid())).build(),
                    "cat /proc/sys/kernel/hostname");
            assertEquals("shared-uts\n", out.stdout(), "joined through /proc/<pid>/ns/uts");
            pause.release();
        }
    }

    @Test
    void aFailingStepLeavesNoProcessNoDescriptorAndNoMount() {
        HostSnapshot before = HostSnapshot.take();
        NamespacePlan plan = NamespacePlan.named("test-failing").create(POD_KINDS)
                .then(() -> Mounts.mount("tmpfs", "/mnt", "tmpfs", 0, "size=1m"))
                .then(() -> Mounts.mount("none", "/does/not/exist", "tmpfs", 0, null))
                .build();
        SyscallException e = assertThrows(SyscallException.class,
                () -> NamespaceThread.spawn(plan, SpawnSpec.of("/bin/true").build()));
        assertEquals("mount(none, /does/not/exist, tmpfs, 0): ENOENT (No such file or directory)", e.getMessage());
        HostSnapshot.takeAndCompare(before);
    }

    @Test
    void joiningAProcessThatIsGoneNamesTheCall() {
        Scripts.Held held = Scripts.Held.start(NamespacePlan.named("test-gone").create(Namespace.NET).build());
        PidFd target = held.process().pidFd();
        held.release();
        NamespacePlan plan = NamespacePlan.named("test-join-gone").join(target, EnumSet.of(Namespace.NET)).build();
        SyscallException e = assertThrows(SyscallException.class, () -> NamespaceThread.call(plan, () -> null));
        assertEquals("setns", e.operation());
        assertEquals(Errno.ESRCH, e.errno());
        assertTrue(e.getMessage().startsWith("setns(pidfd:" + target.pid() + ", CLONE_NEWNET): ESRCH"), e.getMessage());
        held.process().close();
    }

    @Test
    void twoHundredSpawnsIntoNewNamespacesLeaveNothingBehind() {
        Scripts.run(NamespacePlan.named("warm-up").create(POD_KINDS).build(), "true");
        HostSnapshot before = HostSnapshot.take();
        NamespacePlan plan = NamespacePlan.named("test-cycle").create(POD_KINDS).build();
        for (int i = 0; i < 200; i++) {
            try (ChildProcess child = NamespaceThread.spawn(plan,
                    SpawnSpec.of("/bin/true").stdin(Stdio.devNull()).stdout(Stdio.devNull()).build())) {
                assertEquals(ExitStatus.exited(0), child.waitFor());
            }
        }
        HostSnapshot.takeAndCompare(before);
    }

    static String statusField(long pid, String field) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(line -> line.startsWith(field + ":"))
                    .map(line -> line.substring(field.length() + 1).trim())
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** tid/kind → namespace link, for every thread of this JVM. */
    private static Map<String, String> namespacesOfEveryJvmThread() throws IOException {
        Map<String, String> result = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                for (Namespace kind : POD_KINDS) {
                    try {
                        result.put(task.getFileName() + "/" + kind.procName(),
                                Files.readSymbolicLink(task.resolve("ns").resolve(kind.procName())).toString());
                    } catch (IOException threadEnded) {
                        // A thread that ended while being listed says nothing about namespaces.
                    }
                }
            }
        }
        return result;
    }
}
