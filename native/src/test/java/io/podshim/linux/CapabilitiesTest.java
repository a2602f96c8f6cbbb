package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    @Test
    void theDefaultSetIsTheOneContainerRuntimesGive() {
        // Bits of capabilities(7): CHOWN 0, DAC_OVERRIDE 1, FOWNER 3, FSETID 4, KILL 5, SETGID 6, SETUID 7,
        // SETPCAP 8, NET_BIND_SERVICE 10, NET_RAW 13, SYS_CHROOT 18, MKNOD 27, AUDIT_WRITE 29, SETFCAP 31.
        assertEquals(0xa80425fbL, Capabilities.DEFAULT);
    }

    @Test
    void namesAreTakenWithOrWithoutTheKernelPrefix() {
        assertEquals(1L << 12, Capabilities.of(List.of("NET_ADMIN")));
        assertEquals(1L << 21 | 1L << 12, Capabilities.of(List.of("CAP_SYS_ADMIN", "net_admin")));
        assertEquals((1L << 41) - 1, Capabilities.ALL);
    }

    @Test
    void anUnknownNameIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Capabilities.of(List.of("NET_FLY")));
        assertEquals("unknown capability \"NET_FLY\": use a name from capabilities(7), e.g. NET_ADMIN", e.getMessage());
    }
}
