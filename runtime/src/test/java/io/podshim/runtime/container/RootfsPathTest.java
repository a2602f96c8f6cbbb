package io.podshim.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsPathTest {
    @TempDir
    Path rootfs;

    @Test
    void anAbsoluteSymlinkInTheImageIsFollowedInsideTheRootfs() throws IOException {
        Files.createDirectories(rootfs.resolve("real/etc"));
        Files.createSymbolicLink(rootfs.resolve("etc"), Path.of("/real/etc"));
        assertEquals(rootfs.resolve("real/etc/hosts"), RootfsPath.resolve(rootfs, "/etc/hosts"));
    }

    @Test
    void dotDotAndEscapingLinksStopAtTheRootfs() throws IOException {
        Files.createSymbolicLink(rootfs.resolve("escape"), Path.of("../../../../etc"));
        assertEquals(rootfs.resolve("etc/passwd"), RootfsPath.resolve(rootfs, "/escape/passwd"));
        assertEquals(rootfs.resolve("etc"), RootfsPath.resolve(rootfs, "/../../etc"));
    }

    @Test
    void relativeLinksResolveFromTheirDirectory() throws IOException {
        Files.createDirectories(rootfs.resolve("usr/bin"));
        Files.createSymbolicLink(rootfs.resolve("bin"), Path.of("usr/bin"));
        assertEquals(rootfs.resolve("usr/bin/sh"), RootfsPath.resolve(rootfs, "/bin/sh"));
    }

    @Test
    void aLinkLoopIsReported() throws IOException {
        Files.createSymbolicLink(rootfs.resolve("a"), Path.of("/b"));
        Files.createSymbolicLink(rootfs.resolve("b"), Path.of("/a"));
        org.junit.jupiter.api.Assertions.assertThrows(io.podshim.runtime.PodException.class,
                () -> RootfsPath.resolve(rootfs, "/a/x"));
    }
}
