package io.podshim.runtime.container;

import io.podshim.cgroups.CgroupGate;
import io.podshim.cgroups.CgroupMode;
import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExecStage;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.Namespace;
import io.podshim.linux.NamespacePlan;
import io.podshim.linux.NamespaceThread;
import io.podshim.linux.PidFd;
import io.podshim.linux.Pipe;
import io.podshim.linux.Pty;
import io.podshim.linux.Shim;
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
 * namespaces through the pause's pidfd (all but pid), derives a mount namespace of its own from the
 * pod's, builds the mount tree ({@link RootfsSetup}) and spawns the container's shim there; the shim
 * enters the pod's pid namespace (or a new one when the pod does not share it) and forks the exec
 * stage, which waits at the cgroup gate until the daemon has placed it, then mounts /proc, pivots,
 * drops privileges and execs. The JVM is the parent of the shim, the shim of the container
 * ({@link ContainerProcess}); the caller owns the returned process.
 */
public final class ContainerLauncher {
    /** Hidden as runc hides them by default, unless the container is privileged. */
    static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    static final List<String> READ_ONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private final Path execStage;
    private final Path shim;

    /**
     * @param execStage from {@link ExecStage#install}
     * @param shim from {@link Shim#install}
     */
    public ContainerLauncher(Path execStage, Path shim) {
        this.execStage = execStage;
        this.shim = shim;
    }

    public Launched start(LaunchPlan plan) {
        return start(plan, List.of());
    }

    /**
     * Starts {@code plan}'s container; its shim keeps {@code hold} open (the read ends of its log
     * pipes) so that a restarted daemon can take them back ({@link ContainerProcess#takeKept}).
     */
    public Launched start(LaunchPlan plan, List<Fd> hold) {
        try {
            for (String dir : List.of("upper", "work", "rootfs")) {
                Files.createDirectories(plan.bundle().resolve(dir));
            }
        } catch (IOException e) {
            throw new PodException(plan.describe() + ": create " + plan.bundle() + ": " + e, e);
        }
        Set<Namespace> join = EnumSet.copyOf(plan.sandbox().namespaces());
        // The shim enters the pid namespace for its child: the shim itself stays out of the pod.
        Shim.PidNamespace pid = !join.remove(Namespace.PID) ? new Shim.PidNamespace.Host()
                : plan.pidNamespaceOf() != null ? new Shim.PidNamespace.Join(plan.pidNamespaceOf())
                : plan.sharePidNamespace() ? new Shim.PidNamespace.Join(plan.sandbox().pausePidFd())
                : new Shim.PidNamespace.Create();
        NamespacePlan namespaces = plan.sandbox().joinPlan("ctr-" + plan.containerName(), join).create(Namespace.MNT)
                .then(() -> RootfsSetup.prepare(plan)).build();
        String rootfs = plan.rootfs().toString();
        // On cgroup v2 each container has a cgroup namespace of its own, as under runc and containerd there.
        String cgroupMount = plan.cgroups().mode() == CgroupMode.V2 ? rootfs + "/sys/fs/cgroup" : null;
        Pty[] terminal = new Pty[1];
        try (CgroupGate gate = new CgroupGate(); Pipe status = Pipe.open(); Pipe report = Pipe.open()) {
            Shim.Launch[] launch = new Shim.Launch[1];
            // Built on the namespace thread once the mount tree is there: a terminal comes from the container's own devpts.
            ChildProcess shimProcess = NamespaceThread.spawn(namespaces, () -> {
                Stdio in = plan.stdin();
                Stdio out = plan.stdout();
                Stdio err = plan.stderr();
                List<Fd> kept = hold;
                if (plan.terminal()) {
                    terminal[0] = Pty.openInRoot(rootfs);
                    in = out = err = Stdio.of(terminal[0].slave());
                    kept = List.of(terminal[0].master()); // so the terminal is not hung up if this daemon dies
                }
                ExecStage.Request request = new ExecStage.Request(gate.childEnd(), status.writeEnd(), rootfs + "/proc", rootfs,
                        plan.maskedPaths() != null ? plan.maskedPaths() : plan.maskProc() ? MASKED : List.of(),
                        plan.readonlyPaths() != null ? plan.readonlyPaths() : plan.maskProc() ? READ_ONLY : List.of(), plan.workingDir(),
                        plan.capabilities(), plan.uid(), plan.gid(), plan.supplementalGroups(), plan.noNewPrivileges(),
                        plan.argv(), plan.terminal() ? ContainerExec.withTerm(plan.env()) : plan.env(), in, out, err, null, cgroupMount);
                launch[0] = Shim.spec(shim, ExecStage.spec(execStage, plan.terminal() ? request.withControllingTerminal() : request),
                        status.writeEnd(), plan.bundle(), pid, report.writeEnd(), kept);
                return launch[0].spec();
            });
            if (terminal[0] != null) {
                terminal[0].slave().close(); // the container's now
            }
            status.writeEnd().close();
            report.writeEnd().close();
            Optional<Integer> containerPid = Shim.awaitReport(report.readEnd());
            if (containerPid.isEmpty()) {
                ExitStatus ended = shimProcess.waitFor();
                shimProcess.close();
                throw new PodException("the container's shim " + ended + " before it could start the container"
                        + " (its reason is in the container's log)");
            }
            // The shim has not reaped its child yet (it waits for it): the pid is still that process.
            PidFd container = PidFd.open(containerPid.get());
            try {
                gate.release(plan.cgroups(), plan.cgroup(), containerPid.get());
            } catch (RuntimeException e) {
                container.sendSignal(jnr.constants.platform.Signal.SIGKILL);
                container.close();
                shimProcess.waitFor();
                shimProcess.close();
                throw e;
            }
            ContainerProcess process = ContainerProcess.launched(shimProcess, container, plan.bundle(), launch[0].keptNumbers());
            Optional<StartFailure> failure = ExecStage.awaitStart(status.readEnd(), plan.argv().get(0));
            if (failure.isPresent()) {
                Launched failed = Launched.failed(failure.get(), process.waitFor());
                process.close();
                if (terminal[0] != null) {
                    terminal[0].close();
                }
                return failed;
            }
            return Launched.running(process, terminal[0] == null ? null : terminal[0].master());
        } catch (SyscallException | PodException e) {
            if (terminal[0] != null) {
                terminal[0].close();
            }
            throw new PodException(plan.describe() + ": " + e.getMessage(), e);
        }
    }
}
