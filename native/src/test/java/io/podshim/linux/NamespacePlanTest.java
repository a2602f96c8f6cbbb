package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class NamespacePlanTest {

    @Test
    void userNamespacesAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NamespacePlan.named("x").create(Namespace.USER, Namespace.NET));
        assertTrue(e.getMessage().contains("multithreaded"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NamespacePlan.named("x").joinFile(Namespace.USER, Path.of("/proc/1/ns/user")));
    }

    @Test
    void thePlanKeepsWhatItWasGivenAndCannotBeChangedAfterwards() {
        NamespacePlan plan = NamespacePlan.named("sandbox")
                .create(EnumSet.of(Namespace.NET, Namespace.UTS))
                .joinFile(Namespace.IPC, Path.of("/proc/1/ns/ipc"))
                .then(() -> { })
                .build();
        assertEquals("sandbox", plan.purpose());
        assertEquals(EnumSet.of(Namespace.NET, Namespace.UTS), plan.create());
        assertEquals(Path.of("/proc/1/ns/ipc"), plan.joinFiles().get(Namespace.IPC));
        assertEquals(1, plan.steps().size());
        assertThrows(UnsupportedOperationException.class, () -> plan.create().add(Namespace.PID));
    }
}
