package io.podshim.runtime.container;

import io.podshim.cgroups.CgroupGate;
import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExecStage;
import io.podshim.linux.Namespace;
import io.podshim.linux.NamespacePlan;
import io.podshim.linux.NamespaceThread;
import io.podshim.linux.Pipe;
import io.podshim.linux.StartFailure;
import io.podshim.linux.Stdio;
import io.podshim.linux.SyscallException;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Starts a container process from a {@link LaunchPlan}. A namespace thread joins the pod's
 * namespaces through the pause's pidfd (all but pid when the pod does not share it), derives a
 * mount namespace of its own from the pod's, builds the mount tree ({@link RootfsSetup}) and spawns
 * the exec stage, which waits at the cgroup gate until the daemon has placed it, then mounts
 * /proc, pivots, drops privileges and execs. The JVM is the parent: the caller owns the returned
 * process and reaps it.
 */
public final class ContainerLauncher {
    /** Hidden as runc hides them by default, unless the container is privileged. */
    static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    static final List<String> READ_ONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private final Path execStage;

    /** @param execStage from {@link ExecStage#install} */
    public ContainerLauncher(Path execStage) {
        this.execStage = execStage;
    }

    public Launched start(LaunchPlan plan) {
        try {
            for (String dir : List.of("upper", "work", "rootfs")) {
                Files.createDirectories(plan.bundle().resolve(dir));
            }
        } catch (IOException e) {
            throw new PodException(plan.describe() + ": create " + plan.bundle() + ": " + e, e);
        }
        Set<Namespace> join = EnumSet.copyOf(plan.sandbox().namespaces());
        Set<Namespace> create = EnumSet.of(Namespace.MNT);
        if (!plan.sharePidNamespace() && join.remove(Namespace.PID)) {
            create.add(Namespace.PID);
        }
        NamespacePlan namespaces = plan.sandbox().joinPlan("ctr-" + plan.containerName(), join).create(create)
                .then(() -> RootfsSetup.prepare(plan)).build();
        String rootfs = plan.rootfs().toString();
        try (CgroupGate gate = new CgroupGate(); Pipe status = Pipe.open()) {
            ExecStage.Request request = new ExecStage.Request(gate.childEnd(), status.writeEnd(), rootfs + "/proc", rootfs,
                    plan.maskProc() ? MASKED : List.of(), plan.maskProc() ? READ_ONLY : List.of(), plan.workingDir(),
                    plan.capabilities(), plan.uid(), plan.gid(), plan.supplementalGroups(), plan.noNewPrivileges(),
                    plan.argv(), plan.env(), Stdio.devNull(), plan.stdout(), plan.stderr());
            ChildProcess child = NamespaceThread.spawn(namespaces, ExecStage.spec(execStage, request));
            status.writeEnd().close();
            try {
                gate.release(plan.cgroups(), plan.cgroup(), child.pid());
            } catch (RuntimeException e) {
                child.kill();
                child.close();
                throw e;
            }
            Optional<StartFailure> failure = ExecStage.awaitStart(status.readEnd(), plan.argv().get(0));
            if (failure.isPresent()) {
                Launched failed = Launched.failed(failure.get(), child.waitFor());
                child.close();
                return failed;
            }
            return Launched.running(child);
        } catch (SyscallException | PodException e) {
            throw new PodException(plan.describe() + ": " + e.getMessage(), e);
        }
    }
}
