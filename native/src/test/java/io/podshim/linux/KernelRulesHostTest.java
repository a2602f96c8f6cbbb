package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.Fresh;
import io.podshim.testing.HostTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;

/** Each test proves one row of native/KERNEL-NOTES.md on this kernel. */
@HostTest
class KernelRulesHostTest {

    /** Rule 1: setns(CLONE_NEWNS) needs a private fs_struct, which JVM threads do not have. */
    @Test
    void setnsIntoAMountNamespaceNeedsUnshareCloneFsFirst() throws Exception {
        try (Scripts.Held other = Scripts.Held.start(NamespacePlan.named("rule1").create(Namespace.MNT).build())) {
            String path = Namespace.MNT.procPath(other.pid()).toString();
            SyscallException refused = assertThrows(SyscallException.class, () -> Fresh.onNewThread("rule1-shared-fs",
                    () -> rawSetns(path, Namespace.MNT)));
            assertEquals(Errno.EINVAL, refused.errno());

            String joined = Fresh.onNewThread("rule1-own-fs", () -> {
                Kernel.check("unshare", "CLONE_FS", () -> Kernel.libc().unshare(Namespace.CLONE_FS));
                rawSetns(path, Namespace.MNT);
                return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/mnt")).toString();
            });
            assertEquals(Files.readSymbolicLink(Path.of(path)).toString(), joined);
            other.release();
        }
    }

    /** Rule 2: no user namespace for a multithreaded process. */
    @Test
    void unshareOfAUserNamespaceFailsInTheJvm() throws Exception {
        Errno errno = Fresh.onNewThread("rule2", () -> {
            int result = Kernel.libc().unshare(Namespace.USER.cloneFlag());
            return result == 0 ? null : Kernel.lastErrno();
        });
        assertEquals(Errno.EINVAL, errno);
    }

    /** Rule 3: after entering a new pid namespace a thread cannot create threads, so no ProcessBuilder. */
    @Test
    void aThreadInANewPidNamespaceCannotStartThreads() throws Exception {
        String outcome = Fresh.onNewThread("rule3", () -> {
            Kernel.check("unshare", "CLONE_NEWPID", () -> Kernel.libc().unshare(Namespace.PID.cloneFlag()));
            try {
                Thread thread = new Thread(() -> { });
                thread.start();
                thread.join();
                return "thread started";
            } catch (OutOfMemoryError expected) {
                // pthread_create fails with EINVAL, which the JDK reports this way.
            }
            try {
                new ProcessBuilder("/bin/true").start().waitFor();
                return "ProcessBuilder worked";
            } catch (IOException | Error expected) {
                return "refused";
            }
        });
        assertEquals("refused", outcome);
    }

    /** Rule 8: a new mount namespace keeps shared propagation unless made slave. */
    @Test
    void mountsInANewMountNamespacePropagateUnlessMadeSlave() throws Exception {
        Path shared = Files.createTempDirectory("podshim-propagation-");
        Mounts.mount("tmpfs", shared.toString(), "tmpfs", 0, "size=1m");
        try {
            Mounts.setPropagation(shared.toString(), MountFlags.MS_SHARED);
            Path leaked = Files.createDirectory(shared.resolve("leaked"));
            Path kept = Files.createDirectory(shared.resolve("kept"));

            Fresh.onNewThread("rule8-raw", () -> {
                Kernel.check("unshare", "CLONE_FS", () -> Kernel.libc().unshare(Namespace.CLONE_FS));
                Kernel.check("unshare", "CLONE_NEWNS", () -> Kernel.libc().unshare(Namespace.MNT.cloneFlag()));
                Mounts.mount("tmpfs", leaked.toString(), "tmpfs", 0, "size=1m");
                return null;
            });
            NamespaceThread.call(NamespacePlan.named("rule8").create(Namespace.MNT)
                    .then(() -> Mounts.mount("tmpfs", kept.toString(), "tmpfs", 0, "size=1m")).build(), () -> null);

            List<String> hostMountPoints = mountPoints();
            assertTrue(hostMountPoints.contains(leaked.toString()), "without MS_SLAVE the mount reaches the host");
            assertFalse(hostMountPoints.contains(kept.toString()), "NamespaceThread's mount must stay in its namespace");
        } finally {
            Mounts.umount(shared.toString(), MountFlags.MNT_DETACH);
            Files.walk(shared).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Rule 9: reaping by pidfd takes nothing from the JDK's own process reaper. */
    @Test
    void reapingOurChildrenLeavesTheJdksExitCodesAlone() throws Exception {
        Process jdkChild = new ProcessBuilder("/bin/sh", "-c", "read line; exit 7").start();
        for (int i = 0; i < 20; i++) {
            try (ChildProcess ours = Spawn.start(SpawnSpec.of("/bin/sh", "-c", "exit " + i).stdin(Stdio.devNull()).build())) {
                assertEquals(ExitStatus.exited(i), ours.waitFor());
            }
        }
        jdkChild.getOutputStream().close();
        assertEquals(7, jdkChild.waitFor());
    }

    /** The JVM holds descriptors without O_CLOEXEC: a child gets only stdio and what it is given. */
    @Test
    void aSpawnedChildHoldsOnlyItsStdioAndTheDescriptorsPassedToIt() throws Exception {
        int leaky = Kernel.check("open", "/etc/hostname", () -> Kernel.libc().open("/etc/hostname", Fd.O_RDONLY, 0));
        try (Fd notCloexec = Fd.adopt(leaky); Pipe in = Pipe.open(); Pipe passed = Pipe.open()) {
            assertTrue(Files.readString(Path.of("/proc/self/fdinfo/" + leaky)).contains("flags:\t0100000"),
                    "the test descriptor must lack O_CLOEXEC to prove anything");
            // The shell says when it runs its script: before that, the dynamic loader may hold a
            // descriptor of its own for a moment (a library it is reading), which is no leak. It says
            // so through stdout made the passed pipe for good (exec), not a redirection of echo's:
            // the shell keeps a copy of the stdout it redirects away from, until the command is done.
            SpawnSpec spec = SpawnSpec.of("/bin/sh", "-c", "exec 1>&3; echo ready; read line")
                    .stdin(Stdio.of(in.readEnd())).stdout(Stdio.devNull()).stderr(Stdio.devNull())
                    .inherit(passed.writeEnd()).build();
            try (ChildProcess child = Spawn.start(spec)) {
                byte[] ready = new byte[6];
                assertEquals(6, passed.readEnd().read(ready), "the shell's word that it runs");
                Path fds = Path.of("/proc/" + child.pid() + "/fd");
                TreeSet<String> open;
                try (Stream<Path> list = Files.list(fds)) {
                    open = list.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
                }
                java.util.Map<String, String> targets = new java.util.TreeMap<>();
                for (String fd : open) {
                    try {
                        targets.put(fd, Files.readSymbolicLink(fds.resolve(fd)).toString());
                    } catch (IOException gone) {
                        targets.put(fd, gone.toString());
                    }
                }
                assertEquals(new TreeSet<>(List.of("0", "1", "2", "3")), open, "the child's descriptors: " + targets);
                assertEquals(Files.readSymbolicLink(Path.of("/proc/self/fd/" + passed.writeEnd().value())),
                        Files.readSymbolicLink(fds.resolve("3")));
                in.writeEnd().close();
                assertEquals(ExitStatus.exited(1), child.waitFor());
            }
        }
    }

    /**
     * Rule 28: a remount without MS_BIND changes the superblock of what is mounted at the target. With
     * a bind of a cgroup2 directory on the mount point itself, a remount meant for the tmpfs below
     * reaches cgroup2, which refuses tmpfs options; MS_BIND|MS_REMOUNT changes only that mount's flags.
     */
    @Test
    void aRemountWithTmpfsOptionsOverABindOfCgroup2IsRefusedByCgroup2() throws Exception {
        String cgroup2 = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(line -> line.split(" "))
                .filter(f -> List.of(f).contains("-") && f[List.of(f).indexOf("-") + 1].equals("cgroup2"))
                .map(f -> f[4]).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(cgroup2 != null,
                "no cgroup2 is mounted on this host (cgroup v1 only): nothing to bind");
        Path top = Files.createTempDirectory("podshim-remount-");
        try {
            List<String> outcome = NamespaceThread.call(NamespacePlan.named("rule28").create(Namespace.MNT).build(), () -> {
                Mounts.mount("tmpfs", top.toString(), "tmpfs", 0, "mode=755,size=64k");
                Mounts.bind(cgroup2, top.toString(), false, false);
                // Without MS_RDONLY: were it accepted, the host's cgroup2 superblock must not turn read-only.
                SyscallException refused = assertThrows(SyscallException.class, () -> Mounts.mount(null, top.toString(), null,
                        MountFlags.MS_REMOUNT, "mode=755,size=64k"));
                Mounts.mount(null, top.toString(), null, MountFlags.MS_BIND | MountFlags.MS_REMOUNT | MountFlags.MS_RDONLY, null);
                return List.of(refused.errno().name(), Files.isWritable(top.resolve("cgroup.procs")) ? "writable" : "read-only");
            });
            assertEquals(List.of("EINVAL", "read-only"), outcome);
        } finally {
            Files.delete(top);
        }
    }

    /**
     * Rule 29: read(2) takes data out of a pipe, so a reader killed before it wrote what it read
     * loses it; tee(2) copies it into another pipe and leaves it where it was.
     */
    @Test
    void teeCopiesWhatAPipeHoldsAndLeavesItThereUntilItIsRead() {
        try (Pipe source = Pipe.open(); Pipe copies = Pipe.open()) {
            source.writeEnd().write("line 100\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(9, source.readEnd().teeTo(copies.writeEnd(), 65536));
            byte[] buffer = new byte[64];
            assertEquals("line 100\n", new String(buffer, 0, copies.readEnd().read(buffer), java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("line 100\n", new String(buffer, 0, source.readEnd().read(buffer), java.nio.charset.StandardCharsets.US_ASCII),
                    "still in the source pipe after the copy");
            assertEquals(-1, source.readEnd().teeTo(copies.writeEnd(), 65536), "nothing to copy now, writers still there");
            source.writeEnd().close();
            assertEquals(0, source.readEnd().teeTo(copies.writeEnd(), 65536), "end of file once every writer is gone");
        }
    }

    private static Void rawSetns(String path, Namespace kind) {
        try (Fd fd = Fd.open(path, Fd.O_RDONLY)) {
            Kernel.check("setns", path + ", " + kind.flagName(), () -> Kernel.libc().setns(fd.value(), kind.cloneFlag()));
        }
        return null;
    }

    private static List<String> mountPoints() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> line.split(" ")[4]).collect(Collectors.toList());
    }
}
