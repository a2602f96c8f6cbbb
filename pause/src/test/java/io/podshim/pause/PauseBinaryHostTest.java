package io.podshim.pause;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

@HostTest
class PauseBinaryHostTest {

    @Test
    void installIsRefusedInADirectoryOthersCanWriteTo() throws IOException {
        Path open = Files.createTempDirectory("podshim-pause-");
        try {
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
            SandboxException e = assertThrows(SandboxException.class, () -> PauseBinary.install(open.resolve("bin")));
            assertTrue(e.getMessage().contains("is not safe"), e.getMessage());
            assertEquals(0, Files.list(open).count(), "nothing was installed");
        } finally {
            Files.delete(open);
        }
    }

    @Test
    void installVerifiesTheChecksumAndReplacesATamperedBinary() throws IOException {
        try (SandboxFixture fixture = new SandboxFixture()) {
            byte[] good = Files.readAllBytes(fixture.pause);
            assertTrue(fixture.pause.getFileName().toString().startsWith("podshim-pause-" + io.podshim.linux.StaticHelper.sha256(good).substring(0, 16)));
            assertEquals(fixture.pause, PauseBinary.install(fixture.pause.getParent()), "a second install reuses it");

            Files.setPosixFilePermissions(fixture.pause, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.write(fixture.pause, "#!/bin/sh\necho swapped\n".getBytes());
            assertEquals(fixture.pause, PauseBinary.install(fixture.pause.getParent()));
            assertArrayEquals(good, Files.readAllBytes(fixture.pause), "the tampered binary was replaced");
            assertEquals("r-xr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.pause)));
        }
    }
}
