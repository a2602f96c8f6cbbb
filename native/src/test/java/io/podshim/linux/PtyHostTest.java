package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;

/** KERNEL-NOTES #30: a terminal of a container is made from its own devpts, its paths resolved inside its root. */
@HostTest
class PtyHostTest {
    @Test
    void aTerminalComesFromTheDevptsBelowTheRootItWasAskedOf() throws Exception {
        Path root = Files.createTempDirectory("podshim-pty");
        Path pts = Files.createDirectories(root.resolve("dev/pts"));
        try {
            // A devpts instance of its own, mounted in a mount namespace that dies with its thread.
            String seen = NamespaceThread.call(NamespacePlan.named("pty").create(Namespace.MNT)
                    .then(() -> Mounts.mount("devpts", pts.toString(), "devpts", MountFlags.MS_NOSUID | MountFlags.MS_NOEXEC,
                            "newinstance,ptmxmode=0666,mode=0620"))
                    .build(), () -> {
                try (Pty pty = Pty.openInRoot(root.toString())) {
                    assertEquals(0, pty.number(), "the first terminal of a new instance");
                    assertTrue(Files.exists(pts.resolve("0")), "its slave is that instance's /dev/pts/0");
                    pty.resize(132, 43);
                    pty.slave().write("typed\n".getBytes(StandardCharsets.UTF_8));
                    byte[] buffer = new byte[64];
                    int n = pty.master().read(buffer);
                    return new String(buffer, 0, n, StandardCharsets.UTF_8);
                }
            });
            assertEquals("typed\r\n", seen, "the slave's output reaches the master, through the line discipline (ONLCR)");
        } finally {
            Files.delete(pts);
            Files.delete(root.resolve("dev"));
            Files.delete(root);
        }
    }

    @Test
    void anAbsoluteLinkInTheRootIsFollowedInsideItNotOnTheHost() throws Exception {
        // dev -> /elsewhere: on the host there is no /elsewhere; inside the root there is, with a
        // plain file for ptmx. Resolved in the root, the open succeeds and the file is no terminal.
        Path root = Files.createTempDirectory("podshim-pty");
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere/pts"));
        Files.writeString(elsewhere.resolve("ptmx"), "not a terminal");
        Files.createSymbolicLink(root.resolve("dev"), Path.of("/elsewhere"));
        try {
            assertTrue(Files.notExists(Path.of("/elsewhere")), "the test needs a host without /elsewhere");
            SyscallException refused = assertThrows(SyscallException.class, () -> Pty.openInRoot(root.toString()));
            assertEquals(Errno.ENOTTY, refused.errno(), refused.getMessage());
            assertTrue(refused.getMessage().startsWith("ioctl(" + root + "/dev/pts/ptmx, TIOCSPTLCK)"), refused.getMessage());
        } finally {
            Files.delete(root.resolve("dev"));
            Files.delete(elsewhere.resolve("ptmx"));
            Files.delete(elsewhere);
            Files.delete(root.resolve("elsewhere"));
            Files.delete(root);
        }
    }
}
