package io.podshim.linux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/**
 * Starts processes with glibc's posix_spawn. Unlike {@link ProcessBuilder} it creates no thread and
 * execs the target directly, so it works from a thread that entered a new pid namespace or changed
 * its root (KERNEL-NOTES #3, #4). The child is in the namespaces of the calling thread:
 * call it on a {@link NamespaceThread} to place a process in a pod.
 */
public final class Spawn {
    // Opaque glibc types, allocated with room to spare (x86_64: 80, 336 and 128 bytes).
    private static final int FILE_ACTIONS_SIZE = 256;
    private static final int ATTR_SIZE = 512;
    private static final int SIGSET_SIZE = 128;

    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;

    private Spawn() {}

    /** Spawns {@code spec} from the calling thread and returns the child, pidfd already open. */
    public static ChildProcess start(SpawnSpec spec) {
        LibC.Functions libc = Kernel.libc();
        Runtime runtime = Kernel.runtime();
        Pointer actions = Memory.allocateDirect(runtime, FILE_ACTIONS_SIZE);
        Pointer attr = Memory.allocateDirect(runtime, ATTR_SIZE);
        Kernel.checkReturned("posix_spawn_file_actions_init", "", libc.posix_spawn_file_actions_init(actions));
        Kernel.checkReturned("posix_spawnattr_init", "", libc.posix_spawnattr_init(attr));
        List<Fd> temporaries = new ArrayList<>();
        try {
            int firstClosed = 3 + spec.inheritedFds().size();
            Stdio[] stdio = {spec.stdin(), spec.stdout(), spec.stderr()};
            for (int target = 0; target < 3; target++) {
                if (stdio[target] instanceof Stdio.DevNull) {
                    Kernel.checkReturned("posix_spawn_file_actions_addopen", "/dev/null",
                            libc.posix_spawn_file_actions_addopen(actions, target, "/dev/null",
                                    target == 0 ? Fd.O_RDONLY : Fd.O_WRONLY, 0));
                } else if (stdio[target] instanceof Stdio.Descriptor descriptor) {
                    addDup2(actions, source(descriptor.fd(), firstClosed, temporaries), target);
                }
            }
            for (int i = 0; i < spec.inheritedFds().size(); i++) {
                addDup2(actions, source(spec.inheritedFds().get(i), firstClosed, temporaries), 3 + i);
            }
            if (spec.workingDir() != null) {
                Kernel.checkReturned("posix_spawn_file_actions_addchdir_np", spec.workingDir(),
                        libc.posix_spawn_file_actions_addchdir_np(actions, spec.workingDir()));
            }
            // The JVM holds descriptors without O_CLOEXEC (jars, its own pipes): close them all.
            Kernel.checkReturned("posix_spawn_file_actions_addclosefrom_np", firstClosed,
                    libc.posix_spawn_file_actions_addclosefrom_np(actions, firstClosed));

            Pointer allSignals = Memory.allocateDirect(runtime, SIGSET_SIZE);
            Pointer noSignals = Memory.allocateDirect(runtime, SIGSET_SIZE);
            libc.sigfillset(allSignals);
            libc.sigemptyset(noSignals);
            Kernel.checkReturned("posix_spawnattr_setsigdefault", "all", libc.posix_spawnattr_setsigdefault(attr, allSignals));
            Kernel.checkReturned("posix_spawnattr_setsigmask", "none", libc.posix_spawnattr_setsigmask(attr, noSignals));
            short flags = (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (spec.newSession() ? POSIX_SPAWN_SETSID : 0));
            Kernel.checkReturned("posix_spawnattr_setflags", flags, libc.posix_spawnattr_setflags(attr, flags));

            List<Pointer> keepAlive = new ArrayList<>();
            Pointer argv = stringArray(runtime, spec.argv(), keepAlive);
            Pointer envp = stringArray(runtime, spec.env(), keepAlive);
            IntByReference pid = new IntByReference();
            boolean search = !spec.path().contains("/");
            int result = search
                    ? libc.posix_spawnp(pid, spec.path(), actions, attr, argv, envp)
                    : libc.posix_spawn(pid, spec.path(), actions, attr, argv, envp);
            Kernel.checkReturned(search ? "posix_spawnp" : "posix_spawn", spec.path(), result);
            java.lang.ref.Reference.reachabilityFence(keepAlive);
            java.lang.ref.Reference.reachabilityFence(allSignals);
            java.lang.ref.Reference.reachabilityFence(noSignals);
            return adopt(pid.intValue());
        } finally {
            temporaries.forEach(Fd::close);
            libc.posix_spawnattr_destroy(attr);
            libc.posix_spawn_file_actions_destroy(actions);
        }
    }

    private static void addDup2(Pointer actions, int source, int target) {
        Kernel.checkReturned("posix_spawn_file_actions_adddup2", source + ", " + target,
                Kernel.libc().posix_spawn_file_actions_adddup2(actions, source, target));
    }

    /**
     * The descriptor to dup2 from. A source numbered below {@code firstClosed} could be overwritten
     * by an earlier dup2 in the child, so it is first copied above that range.
     */
    private static int source(Fd fd, int firstClosed, List<Fd> temporaries) {
        if (fd.value() >= firstClosed) {
            return fd.value();
        }
        Fd copy = fd.dupAtLeast(firstClosed);
        temporaries.add(copy);
        return copy.value();
    }

    /**
     * A NULL-terminated char*[] in native memory. Direct memory is freed when its Java object is
     * collected, so every string is kept in {@code keepAlive} until the spawn has returned.
     */
    private static Pointer stringArray(Runtime runtime, List<String> strings, List<Pointer> keepAlive) {
        int width = runtime.addressSize();
        Pointer array = Memory.allocateDirect(runtime, (strings.size() + 1) * width, true);
        for (int i = 0; i < strings.size(); i++) {
            byte[] bytes = strings.get(i).getBytes(StandardCharsets.UTF_8);
            Pointer string = Memory.allocateDirect(runtime, bytes.length + 1, true);
            string.put(0, bytes, 0, bytes.length);
            array.putPointer((long) i * width, string);
            keepAlive.add(string);
        }
        keepAlive.add(array);
        return array;
    }

    /** Takes the freshly spawned pid into a pidfd. Safe against reuse: only we may reap it. */
    private static ChildProcess adopt(int pid) {
        try {
            return new ChildProcess(PidFd.open(pid));
        } catch (SyscallException e) {
            // Without a pidfd we cannot wait for it: do not leave it running or as a zombie.
            Kernel.libc().kill(pid, jnr.constants.platform.Signal.SIGKILL.intValue());
            Pointer info = Memory.allocate(Kernel.runtime(), 128);
            Kernel.libc().waitid(1 /* P_PID */, pid, info, 4 /* WEXITED */);
            throw e;
        }
    }
}
