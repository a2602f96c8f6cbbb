package io.podshim.runtime.container;

import io.podshim.cgroups.CgroupMode;
import io.podshim.linux.MountFlags;
import io.podshim.linux.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds a container's mount tree. It runs as a step on the namespace thread, in the container's
 * new mount namespace (a copy of the pod's), so nothing here is seen by the host or by the pod's
 * other containers. /proc is left to the exec stage, which is inside the pod's pid namespace.
 */
final class RootfsSetup {
    private static final long NOSUID_NODEV_NOEXEC = MountFlags.MS_NOSUID | MountFlags.MS_NODEV | MountFlags.MS_NOEXEC;
    private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");

    private RootfsSetup() {}

    static void prepare(LaunchPlan plan) throws IOException {
        Path rootfs = plan.rootfs();
        // The image stays untouched below a writable layer of this run's own.
        Mounts.mount("overlay", rootfs.toString(), "overlay", 0, "lowerdir=" + plan.image()
                + ",upperdir=" + plan.bundle().resolve("upper") + ",workdir=" + plan.bundle().resolve("work"));
        dev(plan, directory(rootfs, "/dev"));
        Path sys = directory(rootfs, "/sys");
        // sysfs shows the network namespace of its mounter: this thread is in the pod's.
        Mounts.mount("sysfs", sys.toString(), "sysfs", NOSUID_NODEV_NOEXEC | MountFlags.MS_RDONLY, null);
        cgroups(plan, rootfs);
        directory(rootfs, "/proc");
        for (BindMount mount : plan.mounts()) {
            Path target = Files.isDirectory(mount.source()) ? directory(rootfs, mount.target()) : file(rootfs, mount.target());
            Mounts.bind(mount.source().toString(), target.toString(), true, mount.readOnly());
            if (mount.propagation() != 0) {
                Mounts.setPropagation(target.toString(), mount.propagation());
            }
        }
        if (plan.readOnlyRootFilesystem()) {
            Mounts.mount(null, rootfs.toString(), null, MountFlags.MS_BIND | MountFlags.MS_REMOUNT | MountFlags.MS_RDONLY, null);
        }
    }

    /** A minimal /dev as runc makes it: a tmpfs with the usual devices, a private devpts, the pod's shm. */
    private static void dev(LaunchPlan plan, Path dev) throws IOException {
        Mounts.mount("tmpfs", dev.toString(), "tmpfs", MountFlags.MS_NOSUID, "mode=755,size=65536k");
        for (String device : DEVICES) {
            Path node = Files.createFile(dev.resolve(device));
            Mounts.bind("/dev/" + device, node.toString(), false, false);
        }
        Path pts = Files.createDirectory(dev.resolve("pts"));
        Mounts.mount("devpts", pts.toString(), "devpts", MountFlags.MS_NOSUID | MountFlags.MS_NOEXEC,
                "newinstance,ptmxmode=0666,mode=0620,gid=5");
        Files.createSymbolicLink(dev.resolve("ptmx"), Path.of("pts/ptmx"));
        Files.createSymbolicLink(dev.resolve("fd"), Path.of("/proc/self/fd"));
        Files.createSymbolicLink(dev.resolve("stdin"), Path.of("/proc/self/fd/0"));
        Files.createSymbolicLink(dev.resolve("stdout"), Path.of("/proc/self/fd/1"));
        Files.createSymbolicLink(dev.resolve("stderr"), Path.of("/proc/self/fd/2"));
        Path shm = Files.createDirectory(dev.resolve("shm"));
        Mounts.bind(plan.sandbox().shmDir().toString(), shm.toString(), false, false);
    }

    /**
     * On cgroup v1, the container's own cgroups read-only under /sys/fs/cgroup as runc shows them, so
     * a payload can read its limits: a tmpfs with its directory of each hierarchy bound in. On v2 the
     * exec stage mounts cgroup2 there itself, in the container's own cgroup namespace, once the
     * process is in its cgroup (KERNEL-NOTES #27).
     */
    private static void cgroups(LaunchPlan plan, Path rootfs) throws IOException {
        if (plan.cgroups().mode() == CgroupMode.V2) {
            return;
        }
        Path top = rootfs.resolve("sys/fs/cgroup");
        Mounts.mount("cgroup", top.toString(), "tmpfs", NOSUID_NODEV_NOEXEC, "mode=755,size=64k");
        for (var entry : plan.cgroups().containerView(plan.cgroup()).entrySet()) {
            Mounts.bind(entry.getValue().toString(), Files.createDirectories(top.resolve(entry.getKey())).toString(), false, true);
        }
        // The binds are read-only already; this makes the tmpfs that holds them read-only too.
        Mounts.mount(null, top.toString(), null, MountFlags.MS_REMOUNT | MountFlags.MS_RDONLY | NOSUID_NODEV_NOEXEC, "mode=755,size=64k");
    }

    private static Path directory(Path rootfs, String inside) throws IOException {
        Path path = RootfsPath.resolve(rootfs, inside);
        Files.createDirectories(path);
        return path;
    }

    private static Path file(Path rootfs, String inside) throws IOException {
        Path path = RootfsPath.resolve(rootfs, inside);
        Files.createDirectories(path.getParent());
        if (!Files.exists(path)) {
            Files.createFile(path);
        }
        return path;
    }
}
