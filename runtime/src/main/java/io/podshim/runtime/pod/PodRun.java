package io.podshim.runtime.pod;

import io.podshim.cgroups.CgroupPath;
import io.podshim.cgroups.ContainerResources;
import io.podshim.cgroups.PodResources;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Pipe;
import io.podshim.linux.Stdio;
import io.podshim.linux.SyscallException;
import io.podshim.pause.PodSandbox;
import io.podshim.pause.SandboxSpec;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.BindMount;
import io.podshim.runtime.container.LaunchPlan;
import io.podshim.runtime.container.Launched;
import io.podshim.runtime.container.PodFiles;
import io.podshim.runtime.container.PodVolumes;
import io.podshim.runtime.container.ProcessCommand;
import io.podshim.runtime.container.ProcessUser;
import io.podshim.runtime.container.SecurityCapabilities;
import io.podshim.runtime.container.Termination;
import io.podshim.runtime.logs.CriLogFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Signal;

/**
 * One pod's life, as Kubernetes defines it (DESIGN.md §3): sandbox, then init containers one at a
 * time in order (a sidecar counts as started once running, and keeps running), then the app
 * containers together; restarts per restartPolicy with back-off; Succeeded or Failed when the apps
 * are done; activeDeadlineSeconds; termination (apps, then sidecars in reverse order, each with
 * SIGTERM then SIGKILL after the grace period); then the sandbox, cgroups and volumes go. Runs on
 * the supervisor thread only.
 */
final class PodRun {
    private final PodEngine engine;
    final PodManifest manifest;
    private final List<ContainerRun> init = new ArrayList<>();
    private final List<ContainerRun> apps = new ArrayList<>();
    private final List<PodEvent> events = new ArrayList<>();
    private final CompletableFuture<PodStatus> removed = new CompletableFuture<>();
    private PodSandbox sandbox;
    private CgroupPath podCgroup;
    private PodVolumes volumes;
    private PodResources resources;
    private Instant startTime;
    private String phase = "Pending";
    private String reason;
    private boolean terminating;
    private boolean finishing;
    private boolean tornDown;
    private Stopping stopping;

    /** Containers being stopped, and what to do once all of them have exited. */
    private record Stopping(Set<ContainerRun> remaining, Runnable then) {}

    PodRun(PodEngine engine, PodManifest manifest, Map<String, io.podshim.runtime.image.StoredImage> images) {
        this.engine = engine;
        this.manifest = manifest;
        List<PodManifest.Container> initSpecs = manifest.spec().initContainers();
        for (int i = 0; i < initSpecs.size(); i++) {
            init.add(new ContainerRun(initSpecs.get(i), true, "spec.initContainers[" + i + "]", images.get(initSpecs.get(i).image())));
        }
        List<PodManifest.Container> appSpecs = manifest.spec().containers();
        for (int i = 0; i < appSpecs.size(); i++) {
            apps.add(new ContainerRun(appSpecs.get(i), false, "spec.containers[" + i + "]", images.get(appSpecs.get(i).image())));
        }
    }

    CompletableFuture<PodStatus> removed() {
        return removed;
    }

    /** Creates the sandbox, cgroups and volumes, whole or not at all, then starts the first containers. */
    void start() {
        PodManifest.Spec spec = manifest.spec();
        resources = PodResources.of(all().stream().map(this::resourcesOf).toList());
        try {
            sandbox = engine.sandboxes().create(new SandboxSpec(manifest.name(), manifest.uid(), spec.hostNetwork(),
                    spec.hostIPC(), spec.hostPID(), SandboxSpec.DEFAULT_SHM_SIZE));
            podCgroup = engine.cgroups().createPod(manifest.uid(), resources);
            engine.cgroups().manager().place(engine.cgroups().pausePath(podCgroup), sandbox.pausePid());
            volumes = PodVolumes.prepare(sandbox, spec.volumes());
            for (ContainerRun c : all()) {
                c.cgroup = engine.cgroups().createContainer(podCgroup, resourcesOf(c));
            }
        } catch (RuntimeException e) {
            teardown();
            throw e instanceof PodException ? e : new PodException("pod " + manifest.name() + ": " + e.getMessage(), e);
        }
        startTime = Instant.now();
        event("Normal", "Scheduled", "pod", "sandbox ready: pause " + sandbox.pausePid() + ", cgroup " + podCgroup);
        if (spec.activeDeadlineSeconds() != null) {
            engine.supervisor().after(Duration.ofSeconds(spec.activeDeadlineSeconds()), this::deadlineExceeded);
        }
        advance();
    }

    /** Starts whatever is next: the current init container, or the app containers once init is done. */
    private void advance() {
        if (terminating || finishing || finished()) {
            return;
        }
        for (ContainerRun c : init) {
            if (c.spec.sidecar()) {
                if (!c.started && !c.restartPending) {
                    launch(c);
                }
                if (!c.running()) {
                    return; // a sidecar must be started before the next init container
                }
                continue;
            }
            boolean succeeded = c.state.is(ContainerState.Kind.TERMINATED) && c.state.exitCode() == 0;
            if (succeeded) {
                continue;
            }
            if (!c.started && !c.restartPending) {
                phase = "Pending";
                launch(c);
            }
            return;
        }
        boolean first = apps.stream().noneMatch(c -> c.started);
        if (first) {
            phase = "Running";
            for (ContainerRun c : apps) {
                launch(c);
            }
        }
        checkCompletion();
    }

    private void launch(ContainerRun c) {
        c.started = true;
        c.state = ContainerState.waiting("ContainerCreating", null);
        Pipe out = Pipe.open();
        Pipe err = Pipe.open();
        try {
            LaunchPlan plan = plan(c, Stdio.of(out.writeEnd()), Stdio.of(err.writeEnd()));
            c.plan = plan;
            c.oomKillsBefore = Math.max(0, engine.cgroups().manager().stats(c.cgroup).oomKills());
            Launched launched = engine.launcher().start(plan);
            out.writeEnd().close();
            err.writeEnd().close();
            CriLogFile log = new CriLogFile(engine.logFile(manifest, c.name(), c.restartCount));
            c.logsWritten = CompletableFuture.allOf(engine.logs().attach(out.readEnd().dupAtLeast(0), log, CriLogFile.Stream.STDOUT),
                    engine.logs().attach(err.readEnd().dupAtLeast(0), log, CriLogFile.Stream.STDERR))
                    .whenComplete((ok, failure) -> log.close());
            if (launched.failure().isPresent()) {
                event("Warning", "Failed", c.name(), "Error: " + launched.failure().get().message());
                exited(c, null, Termination.startError(launched.failure().get()));
                return;
            }
            c.process = launched.running().orElseThrow();
            event("Normal", "Created", c.name(), "Created container " + c.name() + " from " + c.spec.image());
            c.startedAt = Instant.now();
            c.state = ContainerState.running(c.startedAt);
            event("Normal", "Started", c.name(), "Started container " + c.name() + " (pid " + c.process.pid() + ")");
            engine.supervisor().watch(c.process, status -> exited(c, status, null));
        } catch (PodException | SyscallException e) {
            event("Warning", "Failed", c.name(), "Error: " + e.getMessage());
            exited(c, null, new Termination("StartError", 128, e.getMessage()));
        } finally {
            out.close();
            err.close();
        }
    }

    private LaunchPlan plan(ContainerRun c, Stdio stdout, Stdio stderr) {
        PodManifest.Container spec = c.spec;
        PodManifest.PodSecurity pod = manifest.spec().security();
        PodManifest.ContainerSecurity sec = spec.security();
        String securityField = c.field + ".securityContext";
        ProcessUser user = ProcessUser.resolve(c.image.rootfs(), c.image.config().user(),
                sec.runAsUser() != null ? sec.runAsUser() : pod.runAsUser(),
                sec.runAsGroup() != null ? sec.runAsGroup() : pod.runAsGroup(), pod.supplementalGroups(),
                sec.runAsNonRoot() != null ? sec.runAsNonRoot() : pod.runAsNonRoot(), securityField);
        List<BindMount> mounts = new ArrayList<>(PodFiles.of(sandbox));
        mounts.addAll(volumes.mountsFor(spec.volumeMounts(), c.field));
        List<String> argv = ProcessCommand.argv(c.image.config().entrypoint(), c.image.config().cmd(), spec.command(), spec.args());
        if (argv.isEmpty()) {
            throw new PodException(c.field + ".command: required: the image " + spec.image() + " has no Entrypoint or Cmd");
        }
        return new LaunchPlan(manifest.name(), c.name(), sandbox, c.image.rootfs(),
                sandbox.directory().resolve("containers").resolve(c.name() + "-" + c.restartCount),
                sec.readOnlyRootFilesystem(), mounts, argv, ProcessCommand.env(c.image.config().env(), spec.env()),
                ProcessCommand.workingDir(c.image.config().workingDir(), spec.workingDir()), user.uid(), user.gid(),
                user.groups(), SecurityCapabilities.of(sec.privileged(), sec.capabilitiesAdd(), sec.capabilitiesDrop(), securityField),
                Boolean.FALSE.equals(sec.allowPrivilegeEscalation()), !sec.privileged(),
                manifest.spec().shareProcessNamespace(), engine.cgroups().manager(), c.cgroup, stdout, stderr);
    }

    /** A container ended: record how, then restart it, move on, or finish the pod, as the policy says. */
    private void exited(ContainerRun c, ExitStatus status, Termination startError) {
        Termination t = startError != null ? startError
                : Termination.of(status, engine.cgroups().manager().oomKills(c.cgroup, c.oomKillsBefore));
        if (c.process != null) {
            c.process.close();
            c.process = null;
        }
        c.state = ContainerState.terminated(t.reason(), t.exitCode(), t.message(), c.startedAt, Instant.now());
        if (t.reason().equals("OOMKilled")) {
            event("Warning", "OOMKilled", c.name(), "Container " + c.name() + " exceeded its memory limit and was killed");
        }
        if (stopping != null) {
            stopping.remaining().remove(c);
            if (stopping.remaining().isEmpty()) {
                Runnable then = stopping.then();
                stopping = null;
                then.run();
            }
            engine.publish(this);
            return;
        }
        if (terminating || finishing || finished()) {
            engine.publish(this);
            return;
        }
        boolean failed = t.exitCode() != 0;
        RestartPolicy policy = manifest.spec().restartPolicy();
        if (c.spec.sidecar()) {
            restartLater(c);
        } else if (c.init) {
            if (!failed) {
                advance();
            } else if (policy == RestartPolicy.NEVER) {
                event("Warning", "Failed", c.name(), "init container " + c.name() + " failed; restartPolicy Never: the pod fails");
                finish("Failed", null);
            } else {
                restartLater(c);
            }
        } else if (policy == RestartPolicy.ALWAYS || policy == RestartPolicy.ON_FAILURE && failed) {
            restartLater(c);
        } else {
            checkCompletion();
        }
        engine.publish(this);
    }

    private void restartLater(ContainerRun c) {
        Duration ran = c.startedAt == null ? Duration.ZERO : Duration.between(c.startedAt, Instant.now());
        if (ran.compareTo(engine.backoff().resetAfter()) >= 0) {
            c.backToBackRestarts = 0;
        }
        Duration delay = engine.backoff().delay(c.backToBackRestarts);
        c.backToBackRestarts++;
        c.lastState = c.state;
        c.state = ContainerState.waiting("CrashLoopBackOff", "back-off " + human(delay) + " restarting failed container="
                + c.name() + " pod=" + manifest.name());
        c.restartPending = true;
        event("Warning", "BackOff", c.name(), "Back-off " + human(delay) + " restarting failed container");
        engine.supervisor().after(delay, () -> {
            c.restartPending = false;
            if (terminating || finishing || finished()) {
                return;
            }
            c.restartCount++;
            removeOldRun(c);
            launch(c);
            advance();
            engine.publish(this);
        });
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
        Path old = sandbox.directory().resolve("containers").resolve(c.name() + "-" + (c.restartCount - 2));
        try {
            io.podshim.runtime.FileTrees.delete(old);
        } catch (java.io.IOException e) {
            event("Warning", "FailedCleanup", c.name(), "remove " + old + ": " + e);
        }
    }

    private void checkCompletion() {
        if (finishing || finished() || apps.stream().anyMatch(c -> !c.started || c.running() || c.restartPending)) {
            return;
        }
        boolean allSucceeded = apps.stream().allMatch(c -> c.state.exitCode() != null && c.state.exitCode() == 0);
        finish(allSucceeded ? "Succeeded" : "Failed", null);
    }

    private void deadlineExceeded() {
        if (finishing || finished() || terminating) {
            return;
        }
        event("Warning", "DeadlineExceeded", "pod", "Pod was active on the node longer than the specified deadline ("
                + manifest.spec().activeDeadlineSeconds() + "s)");
        finish("Failed", "DeadlineExceeded");
        engine.publish(this);
    }

    /**
     * The pod's outcome is decided: stop what still runs (sidecars last), and only then report the
     * phase, as Kubernetes reports Succeeded or Failed once every container has terminated.
     */
    private void finish(String outcome, String why) {
        finishing = true;
        stopAll(Duration.ofSeconds(manifest.spec().terminationGracePeriodSeconds()), () -> {
            phase = outcome;
            reason = why;
            teardown();
        });
    }

    /** Deletion: Terminating; apps get SIGTERM, then SIGKILL after {@code grace}; then sidecars; then teardown. */
    void delete(Duration grace) {
        if (terminating) {
            return;
        }
        terminating = true;
        if (tornDown) {
            // Completed earlier (Succeeded or Failed): only the record is left to remove.
            engine.forget(this);
            return;
        }
        event("Normal", "Killing", "pod", "Stopping pod " + manifest.name() + " (grace period " + grace.toSeconds() + "s)");
        if (stopping != null) {
            return; // already finishing: its teardown completes the deletion
        }
        stopAll(grace, this::teardown);
        engine.publish(this);
    }

    private void stopAll(Duration grace, Runnable then) {
        long deadline = System.nanoTime() + grace.toNanos();
        List<ContainerRun> sidecars = new ArrayList<>(init.stream().filter(c -> c.spec.sidecar()).toList());
        java.util.Collections.reverse(sidecars);
        List<ContainerRun> initOthers = init.stream().filter(c -> !c.spec.sidecar()).toList();
        List<ContainerRun> first = new ArrayList<>(apps);
        first.addAll(initOthers);
        stopGroup(first, deadline, () -> stopEach(sidecars, 0, deadline, then));
    }

    private void stopEach(List<ContainerRun> inOrder, int index, long deadline, Runnable then) {
        if (index == inOrder.size()) {
            then.run();
            return;
        }
        stopGroup(List.of(inOrder.get(index)), deadline, () -> stopEach(inOrder, index + 1, deadline, then));
    }

    private void stopGroup(List<ContainerRun> group, long deadlineNanos, Runnable then) {
        Set<ContainerRun> remaining = new LinkedHashSet<>();
        for (ContainerRun c : group) {
            if (c.running()) {
                remaining.add(c);
                event("Normal", "Killing", c.name(), "Stopping container " + c.name() + " with " + c.stopSignal().name());
                signal(c, c.stopSignal());
            }
        }
        if (remaining.isEmpty()) {
            then.run();
            return;
        }
        stopping = new Stopping(remaining, then);
        Duration left = Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
        engine.supervisor().after(left, () -> {
            for (ContainerRun c : List.copyOf(remaining)) {
                if (c.running()) {
                    event("Warning", "Killing", c.name(), "Container " + c.name() + " did not stop within the grace period: SIGKILL");
                    signal(c, Signal.SIGKILL);
                }
            }
        });
    }

    private static void signal(ContainerRun c, Signal signal) {
        try {
            c.process.signal(signal);
        } catch (SyscallException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e;
            }
        }
    }

    /** Every container has exited: remove the pod's cgroups, sandbox and volumes. Idempotent. */
    private void teardown() {
        if (tornDown) {
            return;
        }
        tornDown = true;
        List<String> problems = new ArrayList<>();
        if (podCgroup != null) {
            try {
                engine.cgroups().removePod(podCgroup, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        if (sandbox != null) {
            try {
                engine.sandboxes().destroy(sandbox);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        problems.forEach(p -> event("Warning", "FailedCleanup", "pod", p));
        engine.publish(this);
        if (terminating) {
            engine.forget(this);
        }
        removed.complete(status());
    }

    boolean finished() {
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    /** The container, if it exists, for an exec into it. */
    java.util.Optional<ContainerRun> container(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The log-written future of {@code container}'s current run (done if there is none). */
    CompletableFuture<Void> logsWritten(String container) {
        return all().stream().filter(c -> c.name().equals(container)).findFirst().map(c -> c.logsWritten)
                .orElse(CompletableFuture.completedFuture(null));
    }

    private List<ContainerRun> all() {
        List<ContainerRun> all = new ArrayList<>(init);
        all.addAll(apps);
        return all;
    }

    private ContainerResources resourcesOf(ContainerRun c) {
        PodManifest.Resources r = c.spec.resources();
        ContainerResources.Kind kind = !c.init ? ContainerResources.Kind.APP
                : c.spec.sidecar() ? ContainerResources.Kind.SIDECAR : ContainerResources.Kind.INIT;
        return new ContainerResources(c.name(), kind, r.cpuRequestMilli(), r.cpuLimitMilli(), r.memoryRequestBytes(),
                r.memoryLimitBytes());
    }

    private void event(String type, String why, String object, String message) {
        events.add(new PodEvent(Instant.now(), type, why, object, message));
    }

    PodStatus status() {
        List<ContainerStatus> initStatus = init.stream().map(ContainerRun::status).toList();
        List<ContainerStatus> appStatus = apps.stream().map(ContainerRun::status).toList();
        boolean initialized = init.stream().allMatch(c -> c.spec.sidecar() ? c.started
                : c.state.is(ContainerState.Kind.TERMINATED) && c.state.exitCode() == 0);
        boolean ready = !finished() && appStatus.stream().allMatch(ContainerStatus::ready);
        Map<String, Boolean> conditions = new LinkedHashMap<>();
        conditions.put("Initialized", initialized);
        conditions.put("ContainersReady", ready);
        conditions.put("Ready", ready);
        return new PodStatus(manifest.name(), manifest.namespace(), manifest.uid(), phase, reason,
                StatusText.of(phase, reason, terminating, initStatus, appStatus), conditions, initStatus, appStatus,
                resources == null ? "" : resources.qos().kubernetesName(), startTime, List.copyOf(events),
                sandbox == null || tornDown ? 0 : sandbox.pausePid(), podCgroup == null ? "" : podCgroup.toString(),
                cgroupLimits());
    }

    /** The pod cgroup's limits, as computed from the effective requests and limits (for describe). */
    private Map<String, String> cgroupLimits() {
        Map<String, String> limits = new LinkedHashMap<>();
        if (resources == null) {
            return limits;
        }
        io.podshim.cgroups.CgroupLimits l = resources.limits(null);
        long shares = io.podshim.cgroups.CpuConversions.shares(l.cpuRequestMilli());
        limits.put("cpu request", l.cpuRequestMilli() + "m (cpu.shares " + shares + ", cpu.weight "
                + io.podshim.cgroups.CpuConversions.weight(shares) + ")");
        limits.put("cpu limit", l.cpuLimitMilli() == null ? "none" : l.cpuLimitMilli() + "m (quota "
                + io.podshim.cgroups.CpuConversions.quota(l.cpuLimitMilli()) + " µs per " + io.podshim.cgroups.CpuConversions.PERIOD_US + " µs)");
        limits.put("memory limit", l.memoryLimitBytes() == null ? "none" : l.memoryLimitBytes() + " bytes");
        return limits;
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
