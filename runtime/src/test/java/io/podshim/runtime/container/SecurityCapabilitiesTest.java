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
    void dropAllThenAddKeepsOnlyNothingAndPrivilegedKeepsWhatTheRuntimeHas() {
        assertEquals(0, SecurityCapabilities.of(false, List.of("NET_BIND_SERVICE"), List.of("ALL"), F));
        long bounding = Capabilities.bounding();
        assertEquals(bounding, SecurityCapabilities.of(true, null, List.of("ALL"), F), "capset(2) refuses any beyond the bounding set");
        assertEquals(Capabilities.DEFAULT & bounding | bounding, SecurityCapabilities.of(false, List.of("ALL"), null, F));
    }

    @Test
    void aCapabilityTheRuntimeDoesNotHaveIsRefusedNamingIt() {
        long missing = Capabilities.ALL & ~Capabilities.bounding();
        org.junit.jupiter.api.Assumptions.assumeTrue(missing != 0, "this process's bounding set has every capability: nothing to refuse");
        String name = Capabilities.names(missing).get(0);
        PodException e = assertThrows(PodException.class, () -> SecurityCapabilities.of(false, List.of(name), null, F));
        assertEquals(F + ".capabilities.add: " + String.join(", ", Capabilities.names(missing & Capabilities.of(List.of(name))))
                + " cannot be given: this node's runtime does not have it (its bounding set); remove it", e.getMessage());
    }

    @Test
    void anUnknownCapabilityNamesItsField() {
        PodException e = assertThrows(PodException.class, () -> SecurityCapabilities.of(false, List.of("NET_FLY"), null, F));
        assertEquals(F + ".capabilities.add: unknown capability \"NET_FLY\": use a name from capabilities(7), e.g. NET_ADMIN", e.getMessage());
    }
}
