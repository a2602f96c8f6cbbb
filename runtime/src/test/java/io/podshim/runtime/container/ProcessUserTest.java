package io.podshim.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessUserTest {
    private static final String F = "spec.containers[0].securityContext";

    @TempDir
    Path rootfs;

    @BeforeEach
    void image() throws IOException {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:1000:\nstaff:x:50:app,other\nwheel:x:10:root\n");
    }

    @Test
    void noUserIsRoot() {
        assertEquals(new ProcessUser(0, 0, List.of(10L)), ProcessUser.resolve(rootfs, "", null, null, List.of(), false, F));
    }

    @Test
    void anImageUserNameIsLookedUpInTheImageWithItsGroups() {
        assertEquals(new ProcessUser(1000, 1000, List.of(50L)), ProcessUser.resolve(rootfs, "app", null, null, List.of(), false, F));
        assertEquals(new ProcessUser(1000, 50, List.of()), ProcessUser.resolve(rootfs, "app:staff", null, null, List.of(), false, F));
        assertEquals(new ProcessUser(4242, 0, List.of()), ProcessUser.resolve(rootfs, "4242", null, null, List.of(), false, F));
    }

    @Test
    void runAsUserAndRunAsGroupOverrideTheImageAndSupplementalGroupsAreAdded() {
        assertEquals(new ProcessUser(1000, 1000, List.of(50L, 7L)),
                ProcessUser.resolve(rootfs, "", 1000L, null, List.of(7L), false, F));
        assertEquals(new ProcessUser(2000, 3000, List.of(7L)),
                ProcessUser.resolve(rootfs, "app", 2000L, 3000L, List.of(7L), false, F));
    }

    @Test
    void unknownNamesAndRootUnderRunAsNonRootAreRefusedClearly() {
        assertEquals("the image's User \"ghost\": no user \"ghost\" in the image's /etc/passwd",
                assertThrows(PodException.class, () -> ProcessUser.resolve(rootfs, "ghost", null, null, List.of(), false, F)).getMessage());
        assertEquals(F + ".runAsNonRoot: the container would run as root (uid 0); set runAsUser or use an image whose User is not root",
                assertThrows(PodException.class, () -> ProcessUser.resolve(rootfs, "", null, null, List.of(), true, F)).getMessage());
    }
}
