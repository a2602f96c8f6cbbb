package io.podshim.runtime.pod;

import io.podshim.linux.Pipe;
import io.podshim.linux.Stdio;
import io.podshim.linux.SyscallException;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.BindMount;
import io.podshim.runtime.container.LaunchPlan;
import io.podshim.runtime.container.Launched;
import io.podshim.runtime.container.PodFiles;
import io.podshim.runtime.container.ProcessCommand;
import io.podshim.runtime.container.ProcessUser;
import io.podshim.runtime.container.SecurityCapabilities;
import io.podshim.runtime.container.Termination;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a pod's executor starts a container run and holds one back: the launch plan from the
 * manifest and image, the launch with its log pipes, the back-off before a restart, and the
 * clean-up of old runs. Supervisor thread only.
 */
final class ContainerStarts {
    private final PodRun pod;

    ContainerStarts(PodRun pod) {
        this.pod = pod;
    }

    /** Starts {@code c}'s next run: its first, or the one after its back-off. A failure to start is an exit. */
    void launch(ContainerRun c) {
        // As kubelet's generateContainerConfig, before anything is made: what the env needs must be there.
        java.util.Map<String, String> env;
        try {
            env = pod.config.env(c.spec);
            c.configError = null;
        } catch (MissingConfig e) {
            if (!e.getMessage().equals(c.configError)) {
                pod.events.add("Warning", "Failed", c.name(), "Error: " + e.getMessage());
            }
            c.configError = e.getMessage();
            c.state = ContainerState.waiting("CreateContainerConfigError", e.getMessage());
            return;
        }
        if (c.restartAt != null) {
            c.restartAt = null;
            c.restartCount++;
            removeOldRun(c);
        }
        c.started = true;
        c.state = ContainerState.waiting("ContainerCreating", null);
        if (!c.freshPull) {
            pod.events.add("Normal", "Pulled", c.name(), "Container image \"" + c.spec.image() + "\" already present on machine");
        }
        c.freshPull = false; // the next run asks again, as its policy says
        PodEngine engine = pod.engine;
        boolean tty = c.spec.tty();
        Pipe out = Pipe.open();
        Pipe err = Pipe.open();
        Pipe in = c.spec.stdin() && !tty ? Pipe.open() : null;
        io.podshim.linux.PidFd target = null;
        try {
            LaunchPlan plan = plan(c, env, Stdio.of(out.writeEnd()), Stdio.of(err.writeEnd()), in == null ? Stdio.devNull()
                    : Stdio.of(in.readEnd()));
            c.plan = plan; // what an exec into it must match (without the target's pidfd, closed below)
            if (c.target != null) {
                // kubectl debug --target: the target's processes are what the debugger is there to see.
                ContainerRun t = pod.container(c.target).filter(ContainerRun::running).orElseThrow(() ->
                        new PodException("its target container " + c.target + " is not running"));
                target = io.podshim.linux.PidFd.open(t.process.pid());
                plan = plan.withPidNamespaceOf(target);
            }
            c.oomKillsBefore = engine.core().oomKills(c.cgroup);
            c.startedAt = Instant.now();
            c.taps = new io.podshim.runtime.logs.Taps();
            c.attachedOnce = false;
            // The shim keeps the read ends open, so the container never writes to a pipe without a
            // reader if this daemon dies; a restarted one takes them back. Likewise a terminal's
            // master, and stdin's write end (not with stdinOnce: the daemon alone must be able to end it).
            List<io.podshim.linux.Fd> hold = new ArrayList<>();
            if (!tty) {
                hold.addAll(List.of(out.readEnd(), err.readEnd()));
                if (in != null && !c.spec.stdinOnce()) {
                    hold.add(in.writeEnd());
                }
            }
            Launched launched = engine.core().startContainer(plan, hold);
            out.writeEnd().close();
            err.writeEnd().close();
            Path log = engine.logFile(pod.manifest, c.name(), c.restartCount);
            if (launched.terminalMaster().isPresent()) {
                io.podshim.linux.Fd master = launched.terminalMaster().get();
                c.logsWritten = engine.core().attachTerminalLog(master.dupAtLeast(0), log, c.taps);
                c.terminal = master;
                c.stdin = c.spec.stdin() ? master : null;
            } else {
                c.logsWritten = engine.core().attachLogs(out.readEnd().dupAtLeast(0), err.readEnd().dupAtLeast(0), log, c.taps);
            }
            if (in != null) {
                in.readEnd().close();
                c.stdin = in.writeEnd().dupAtLeast(0);
            }
            if (launched.failure().isPresent()) {
                c.closeStreams();
                pod.events.add("Warning", "Failed", c.name(), "Error: " + launched.failure().get().message());
                pod.exited(c, null, Termination.startError(launched.failure().get()), Instant.now());
                return;
            }
            c.process = launched.running().orElseThrow();
            pod.events.add("Normal", "Created", c.name(), "Created container " + c.name() + " from " + c.spec.image());
            c.state = ContainerState.running(c.startedAt);
            pod.events.add("Normal", "Started", c.name(), "Started container " + c.name() + " (pid " + c.process.pid() + ")");
            watch(c);
            pod.health.started(c);
        } catch (PodException | SyscallException e) {
            c.closeStreams();
            pod.events.add("Warning", "Failed", c.name(), "Error: " + e.getMessage());
            pod.exited(c, null, new Termination("StartError", 128, e.getMessage()), Instant.now());
        } finally {
            out.close();
            err.close();
            if (in != null) {
                in.close();
            }
            if (target != null) {
                target.close();
            }
        }
    }

    /** Holds {@code c} back before its next run, as CrashLoopBackOff does. */
    void backOff(ContainerRun c, PodAction.BackOff backOff) {
        c.backToBackRestarts = backOff.backToBackRestarts();
        c.lastState = c.state;
        c.restartAt = Instant.now().plus(backOff.delay());
        String delay = io.podshim.runtime.probe.Attempt.seconds(backOff.delay());
        c.state = ContainerState.waiting("CrashLoopBackOff", "back-off " + delay + " restarting failed container="
                + c.name() + " pod=" + pod.manifest.name());
        pod.events.add("Warning", "BackOff", c.name(), "Back-off " + delay + " restarting failed container");
    }

    void watch(ContainerRun c) {
        pod.engine.supervisor().watch(c.process.exitFd(), () -> pod.shimExited(c));
    }

    /**
     * Takes back from the shim what it kept (the log pipes' read ends and stdin's write end, or the
     * terminal's master) and appends to the run's log file again.
     */
    void resumeLogs(ContainerRun c) {
        List<io.podshim.linux.Fd> kept = c.process.takeKept();
        Path log = pod.engine.logFile(pod.manifest, c.name(), c.restartCount);
        c.taps = new io.podshim.runtime.logs.Taps();
        if (c.spec.tty()) {
            c.terminal = kept.get(0);
            c.stdin = c.spec.stdin() ? c.terminal : null;
            c.logsWritten = pod.engine.core().attachTerminalLog(c.terminal.dupAtLeast(0), log, c.taps);
            return;
        }
        c.logsWritten = pod.engine.core().attachLogs(kept.get(0), kept.get(1), log, c.taps);
        c.stdin = kept.size() > 2 ? kept.get(2) : null;
    }

    /**
     * The plan of {@code c}'s run, {@code env} its variables as {@link PodConfig#env} resolved them
     * ({@code $(VAR)} in command and args is expanded over them, as Kubernetes does).
     */
    LaunchPlan plan(ContainerRun c, java.util.Map<String, String> env, Stdio stdout, Stdio stderr, Stdio stdin) {
        PodManifest manifest = pod.manifest;
        PodManifest.Container spec = c.spec;
        PodManifest.PodSecurity podSecurity = manifest.spec().security();
        PodManifest.ContainerSecurity sec = spec.security();
        String securityField = c.field + ".securityContext";
        ProcessUser user = ProcessUser.resolve(c.image.rootfs(), c.image.config().user(),
                sec.runAsUser() != null ? sec.runAsUser() : podSecurity.runAsUser(),
                sec.runAsGroup() != null ? sec.runAsGroup() : podSecurity.runAsGroup(), groups(podSecurity),
                sec.runAsNonRoot() != null ? sec.runAsNonRoot() : podSecurity.runAsNonRoot(), securityField);
        List<BindMount> mounts = new ArrayList<>(PodFiles.of(pod.sandbox, manifest.spec().hostname(),
                manifest.spec().hostNetwork() ? pod.engine.hostIP() : pod.network.podIP(), manifest.spec().hostAliases(),
                manifest.spec().dns()));
        mounts.addAll(pod.volumes.mountsFor(spec.volumeMounts(), c.field));
        List<String> argv = ProcessCommand.argv(c.image.config().entrypoint(), c.image.config().cmd(),
                io.podshim.runtime.config.Expansion.expandAll(spec.command(), env::get),
                io.podshim.runtime.config.Expansion.expandAll(spec.args(), env::get));
        if (argv.isEmpty()) {
            throw PodException.invalid(c.field + ".command", "required: the image " + spec.image() + " has no Entrypoint or Cmd");
        }
        return new LaunchPlan(manifest.name(), c.name(), pod.sandbox, c.image.rootfs(),
                pod.sandbox.directory().resolve("containers").resolve(c.name() + "-" + c.restartCount),
                sec.readOnlyRootFilesystem(), mounts, argv, ProcessCommand.env(c.image.config().env(), env),
                ProcessCommand.workingDir(c.image.config().workingDir(), spec.workingDir()), user.uid(), user.gid(),
                user.groups(), SecurityCapabilities.of(sec.privileged(), sec.capabilitiesAdd(), sec.capabilitiesDrop(), securityField),
                Boolean.FALSE.equals(sec.allowPrivilegeEscalation()), !sec.privileged(),
                manifest.spec().shareProcessNamespace(), pod.engine.core().cgroupManager(), c.cgroup, stdout, stderr, stdin,
                c.spec.tty(), null);
    }

    /** The supplementalGroups, and the fsGroup with them: every container process is in it, as kubelet adds it. */
    private static List<Long> groups(PodManifest.PodSecurity security) {
        List<Long> groups = new ArrayList<>(security.supplementalGroups());
        if (security.fsGroup() != null && !groups.contains(security.fsGroup())) {
            groups.add(security.fsGroup());
        }
        return groups;
    }

    /**
     * Keeps the writable layers of the current and the previous run only, as Kubernetes keeps the
     * last dead container: a crash-looping container must not fill the disk. A dead run's overlay
     * was mounted in its own mount namespace, gone with it, so its directory is plain files.
     */
    private void removeOldRun(ContainerRun c) {
        if (c.restartCount < 2) {
            return;
        }
        Path old = pod.sandbox.directory().resolve("containers").resolve(c.name() + "-" + (c.restartCount - 2));
        try {
            io.podshim.runtime.FileTrees.delete(old);
        } catch (java.io.IOException e) {
            pod.events.add("Warning", "FailedCleanup", c.name(), "remove " + old + ": " + e);
        }
    }
}
