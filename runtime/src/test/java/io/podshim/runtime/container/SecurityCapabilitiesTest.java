package io.podshim.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.podshim.linux.Capabilities;
import io.podshim.runtime.PodException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityCapabilitiesTest {
    private static final String F = "spec.containers[0].securityContext";

    @Test
    void theDefaultSetGrowsByAddAndShrinksByDrop() {
        assertEquals(Capabilities.DEFAULT, SecurityCapabilities.of(false, null, null, F));
        long netAdmin = Capabilities.of(List.of("NET_ADMIN"));
        long chown = Capabilities.of(List.of("CHOWN"));
        assertEquals((Capabilities.DEFAULT | netAdmin) & ~chown, SecurityCapabilities.of(false, List.of("NET_ADMIN"), List.of("CHOWN"), F));
    }

    @Test
    void dropAllThenAddKeepsOnlyNothingAndPrivilegedKeepsEverything() {
        assertEquals(0, SecurityCapabilities.of(false, List.of("NET_BIND_SERVICE"), List.of("ALL"), F));
        assertEquals(Capabilities.ALL, SecurityCapabilities.of(true, null, List.of("ALL"), F));
    }

    @Test
    void anUnknownCapabilityNamesItsField() {
        PodException e = assertThrows(PodException.class, () -> SecurityCapabilities.of(false, List.of("NET_FLY"), null, F));
        assertEquals(F + ".capabilities.add: unknown capability \"NET_FLY\": use a name from capabilities(7), e.g. NET_ADMIN", e.getMessage());
    }
}
