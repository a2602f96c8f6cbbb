package io.podshim.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jnr.constants.platform.Errno;

/**
 * The one sanctioned way to do namespace work in the JVM (docs/ARCHITECTURE.md, "The JVM and namespaces"). Namespaces, root and cwd
 * belong to a thread, so the work runs on a fresh platform thread that is used once and then dies:
 * it unshares CLONE_FS (without which setns(CLONE_NEWNS) fails with EINVAL, KERNEL-NOTES #1), joins and
 * creates the plan's namespaces, runs its steps and the caller's work (typically one
 * {@link Spawn#start}), hands the result back and terminates. No pooled or virtual thread ever
 * enters a namespace, and a thread poisoned by a pid namespace (KERNEL-NOTES #3) is never reused.
 *
 * <p>This class and {@link LibC} are the only places that name setns or unshare; a test keeps it so.
 * If the work fails, the namespaces it created die with the thread, mounts made in them included.
 */
public final class NamespaceThread {
    private static final long MS_REC = MountFlags.MS_REC;
    private static final long MS_SLAVE = MountFlags.MS_SLAVE;

    private NamespaceThread() {}

    /** Enters {@code plan}'s namespaces on a new thread and spawns {@code spec} there. */
    public static ChildProcess spawn(NamespacePlan plan, SpawnSpec spec) {
        return call(plan, () -> Spawn.start(spec));
    }

    /**
     * As {@link #spawn(NamespacePlan, SpawnSpec)}, the spawn made from what {@code spec} gives on the
     * thread once the plan's steps have run: for descriptors that can only be opened there (a terminal
     * of the devpts the plan mounted).
     */
    public static ChildProcess spawn(NamespacePlan plan, Callable<SpawnSpec> spec) {
        return call(plan, () -> Spawn.start(spec.call()));
    }

    /** Enters {@code plan}'s namespaces on a new thread and returns what {@code work} returns there. */
    public static <T> T call(NamespacePlan plan, Callable<T> work) {
        // Initialise JNR here: a thread in a new pid namespace can no longer start its helper thread.
        Kernel.init();
        Outcome<T> outcome = new Outcome<>();
        Thread thread = new Thread(() -> outcome.run(plan, work), "ns-" + plan.purpose());
        thread.setDaemon(true);
        thread.start();
        // Wait even when interrupted: the work may have spawned a process that needs its owner.
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return outcome.get();
    }

    private static void enter(NamespacePlan plan) {
        LibC.Functions libc = Kernel.libc();
        Kernel.check("unshare", "CLONE_FS", () -> libc.unshare(Namespace.CLONE_FS));
        if (plan.joinTarget() != null && !plan.joinKinds().isEmpty()) {
            joinByPidFd(plan.joinTarget(), plan.joinKinds());
        }
        joinFiles(plan.joinFiles());
        if (!plan.create().isEmpty()) {
            int flags = Namespace.flagsOf(plan.create());
            Kernel.check("unshare", Namespace.describeFlags(flags), () -> libc.unshare(flags));
            if (plan.create().contains(Namespace.MNT)) {
                // The copy keeps the host's shared propagation; without this, mounts made for the
                // pod would appear on the host (KERNEL-NOTES #6).
                Mounts.mount(null, "/", null, MS_REC | MS_SLAVE, null);
            }
        }
    }

    private static void joinByPidFd(PidFd target, java.util.Set<Namespace> kinds) {
        int flags = Namespace.flagsOf(kinds);
        int fd = target.fd().value();
        try {
            Kernel.check("setns", target + ", " + Namespace.describeFlags(flags), () -> Kernel.libc().setns(fd, flags));
        } catch (SyscallException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e;
            }
            // Kernels before 5.8 refuse a pidfd here: probe, then join through the files one by one.
            Map<Namespace, java.nio.file.Path> files = new java.util.EnumMap<>(Namespace.class);
            for (Namespace kind : kinds) {
                files.put(kind, kind.procPath(target.pid()));
            }
            joinFiles(files);
        }
    }

    private static void joinFiles(Map<Namespace, java.nio.file.Path> files) {
        // Open every file before joining any, so no path is resolved inside a joined mount namespace.
        List<Fd> opened = new ArrayList<>();
        try {
            for (java.nio.file.Path file : files.values()) {
                opened.add(Fd.open(file.toString(), Fd.O_RDONLY));
            }
            int i = 0;
            for (Map.Entry<Namespace, java.nio.file.Path> entry : files.entrySet()) {
                int fd = opened.get(i++).value();
                int flag = entry.getKey().cloneFlag();
                Kernel.check("setns", entry.getValue() + ", " + entry.getKey().flagName(), () -> Kernel.libc().setns(fd, flag));
            }
        } finally {
            opened.forEach(Fd::close);
        }
    }

    private static final class Outcome<T> {
        private T value;
        private Throwable failure;

        void run(NamespacePlan plan, Callable<T> work) {
            try {
                enter(plan);
                for (NamespaceStep step : plan.steps()) {
                    step.apply();
                }
                value = work.call();
            } catch (Throwable t) {
                failure = t;
            }
        }

        T get() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException("namespace work failed: " + failure.getMessage(), failure);
            }
            return value;
        }
    }
}
