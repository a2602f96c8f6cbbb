package io.podshim.pause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.linux.Namespace;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SandboxSpecTest {

    @Test
    void aPodGetsFiveNamespacesOfItsOwnByDefault() {
        assertEquals(EnumSet.of(Namespace.NET, Namespace.UTS, Namespace.IPC, Namespace.PID, Namespace.MNT),
                SandboxSpec.of("web", "u1").createdNamespaces());
    }

    @Test
    void hostNetworkTakesUtsAlongAsKubernetesDoes() {
        assertEquals(EnumSet.of(Namespace.IPC, Namespace.PID, Namespace.MNT),
                SandboxSpec.of("web", "u1").withHostNetwork(true).createdNamespaces());
        assertEquals(EnumSet.of(Namespace.MNT),
                SandboxSpec.of("web", "u1").withHostNetwork(true).withHostIPC(true).withHostPID(true).createdNamespaces());
    }

    @Test
    void theHostnameIsThePodNameCutTo63WithoutATrailingDashOrDot() {
        assertEquals("web-1", SandboxSpec.of("web-1", "u1").hostname());
        String longName = "a".repeat(62) + "-b" + "c".repeat(10);
        assertEquals("a".repeat(62), SandboxSpec.of(longName, "u1").hostname());
        assertEquals("db-0", SandboxSpec.of("web-1", "u1").withHostname("db-0").hostname(), "a hostname of the pod's own");
        SandboxException e = assertThrows(SandboxException.class, () -> SandboxSpec.of("web-1", "u1").withHostname("a".repeat(65)));
        assertTrue(e.getMessage().contains("use 1 to 64 lowercase letters"), e.getMessage());
    }

    @Test
    void anInvalidNameIsRefusedNamingTheFieldAndTheFix() {
        SandboxException e = assertThrows(SandboxException.class, () -> SandboxSpec.of("Web_1", "u1"));
        assertTrue(e.getMessage().startsWith("metadata.name: \"Web_1\" is not a valid pod name"), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. \"web-1\""), e.getMessage());
        assertThrows(SandboxException.class, () -> SandboxSpec.of("-web", "u1"));
        assertThrows(SandboxException.class, () -> SandboxSpec.of("", "u1"));
        assertThrows(SandboxException.class, () -> SandboxSpec.of("a".repeat(254), "u1"));
    }

    @Test
    void aUidThatCouldEscapeTheStateDirectoryIsRefused() {
        for (String uid : new String[] {"../etc", "a/b", "", ".", "x".repeat(65)}) {
            SandboxException e = assertThrows(SandboxException.class, () -> SandboxSpec.of("web", uid), uid);
            assertTrue(e.getMessage().startsWith("metadata.uid: "), e.getMessage());
        }
    }

    @Test
    void shmMustHoldAtLeastOnePage() {
        assertThrows(SandboxException.class, () -> SandboxSpec.of("web", "u1").withShmSize(0));
        assertEquals(64L << 20, SandboxSpec.of("web", "u1").shmSizeBytes());
    }
}
