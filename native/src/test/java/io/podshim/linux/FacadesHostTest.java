package io.podshim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostTest;
import java.util.List;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;

@HostTest
class FacadesHostTest {

    @Test
    void loopbackIsDownInANewNetworkNamespaceUntilBroughtUp() {
        List<Boolean> states = NamespaceThread.call(NamespacePlan.named("test-lo").create(Namespace.NET).build(), () -> {
            boolean before = Interfaces.isUp("lo");
            Interfaces.setUp("lo");
            return List.of(before, Interfaces.isUp("lo"));
        });
        assertEquals(List.of(false, true), states);
    }

    @Test
    void aMissingInterfaceIsNamedInTheError() {
        SyscallException e = assertThrows(SyscallException.class, () -> Interfaces.setUp("nosuch0"));
        assertEquals("ioctl(nosuch0, SIOCGIFFLAGS): ENODEV (No such device)", e.getMessage());
    }

    @Test
    void theHostnameIsSetOnlyInTheNewUtsNamespace() {
        String host = Hostname.get();
        String inside = NamespaceThread.call(NamespacePlan.named("test-uts").create(Namespace.UTS).build(), () -> {
            Hostname.set("inside-uts");
            return Hostname.get();
        });
        assertEquals("inside-uts", inside);
        assertEquals(host, Hostname.get());
    }

    @Test
    void statfsTellsFilesystemsApart() {
        assertEquals(Statfs.PROC_SUPER_MAGIC, Statfs.type("/proc"));
        assertEquals(Statfs.NSFS_MAGIC, Statfs.type("/proc/self/ns/net"));
        SyscallException e = assertThrows(SyscallException.class, () -> Statfs.type("/no/such/path"));
        assertEquals(Errno.ENOENT, e.errno());
    }

    @Test
    void errnoIsTheOneOfTheFailingCallAndTheMessageCarriesTheArguments() {
        SyscallException e = assertThrows(SyscallException.class, () -> Fd.open("/no/such/file", Fd.O_RDONLY));
        assertEquals("open(/no/such/file, 2000000): ENOENT (No such file or directory)", e.getMessage());
        SyscallException busy = assertThrows(SyscallException.class, () -> Mounts.umount("/no/such/mount", 0));
        assertEquals("umount2(/no/such/mount, 0): ENOENT (No such file or directory)", busy.getMessage());
    }

    @Test
    void aThreadNameIsSetForTheKernelAsTheKernelCutsIt() {
        String comm = NamespaceThread.call(NamespacePlan.named("test-name").build(), () -> {
            Prctl.setThreadName("podshim-supervisor-thread");
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/comm")).trim();
        });
        assertEquals("podshim-supervi", comm, "15 bytes, as the kernel keeps them");
    }

    @Test
    void prctlSettingsOfAThreadStayOnThatThread() {
        boolean set = NamespaceThread.call(NamespacePlan.named("test-nnp").build(), () -> {
            Prctl.setNoNewPrivs();
            return Prctl.noNewPrivs();
        });
        assertTrue(set);
        assertFalse(Prctl.noNewPrivs(), "no_new_privs is per thread and must not reach the test thread");
        assertFalse(Prctl.isChildSubreaper());
    }
}
