package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class FlagNamesTest {

    @Test
    void cloneFlagsAreNamedAsInTheKernelHeaders() {
        int flags = Namespace.flagsOf(EnumSet.of(Namespace.NET, Namespace.PID, Namespace.MNT));
        assertEquals(0x40000000 | 0x20000000 | 0x00020000, flags);
        assertEquals("CLONE_NEWNET|CLONE_NEWPID|CLONE_NEWNS", Namespace.describeFlags(flags));
        assertEquals("CLONE_FS", Namespace.describeFlags(Namespace.CLONE_FS));
        assertEquals("CLONE_NEWUTS|0x1", Namespace.describeFlags(Namespace.UTS.cloneFlag() | 1));
        assertEquals("0x0", Namespace.describeFlags(0));
    }

    @Test
    void mountFlagsAreNamedAndUnknownBitsShownInHex() {
        assertEquals("MS_REC|MS_SLAVE", MountFlags.describe(MountFlags.MS_REC | MountFlags.MS_SLAVE));
        assertEquals("MS_RDONLY|MS_REMOUNT|MS_BIND",
                MountFlags.describe(MountFlags.MS_RDONLY | MountFlags.MS_BIND | MountFlags.MS_REMOUNT));
        assertEquals("0", MountFlags.describe(0));
        assertEquals("MS_NODEV|0x40000000", MountFlags.describe(MountFlags.MS_NODEV | 0x40000000L));
    }

    @Test
    void procPathsFollowTheKernelNames() {
        assertEquals("/proc/42/ns/mnt", Namespace.MNT.procPath(42).toString());
        assertEquals("/proc/42/ns/net", Namespace.NET.procPath(42).toString());
    }
}
