package io.podshim.runtime.pod;

import io.podshim.cgroups.CgroupPath;
import io.podshim.cgroups.ContainerResources;
import io.podshim.cgroups.PodResources;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Pipe;
import io.podshim.linux.Shim;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
    /** Once decided, the phase reported when every container has stopped; and the grace of a deletion. */
    private String outcome;
    private String outcomeReason;
    private long terminatingGraceSeconds;
    /** What {@link #save} wrote last. */
    private PodRecord saved;
    private final PodHealth health;

    /** Containers being stopped, and what to do once all of them have exited. */
    private record Stopping(Set<ContainerRun> remaining, Runnable then) {}

    PodRun(PodEngine engine, PodManifest manifest, Map<String, io.podshim.runtime.image.StoredImage> images) {
        this.engine = engine;
        this.manifest = manifest;
        this.health = new PodHealth(new HealthCallbacks(), engine.supervisor());
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
                if (!c.startedUp()) {
                    return; // a sidecar must be started (postStart done, startup probe passed) before the next init container
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
            // The shim keeps the read ends open, so the container never writes to a pipe without a
            // reader if this daemon dies; a restarted one takes them back.
            Launched launched = engine.launcher().start(plan, List.of(out.readEnd(), err.readEnd()));
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
            watch(c);
            health.started(c);
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

    private void watch(ContainerRun c) {
        engine.supervisor().watch(c.process.exitFd(), () -> shimExited(c));
    }

    /** A container's shim has exited, right after the container: its record says how the container ended. */
    private void shimExited(ContainerRun c) {
        Optional<Shim.ExitRecord> record = c.process.awaitRecord();
        if (record.isPresent()) {
            exited(c, record.get().status(), null, record.get().finishedAt());
        } else {
            c.process.signal(Signal.SIGKILL); // its shim was killed: the container must not run on unsupervised
            exited(c, null, UNKNOWN, Instant.now());
        }
    }

    /** As kubelet reports a container whose end it could not learn. */
    private static final Termination UNKNOWN = new Termination("ContainerStatusUnknown", 137,
            "The container's shim ended without recording how the container ended");

    private void exited(ContainerRun c, ExitStatus status, Termination startError) {
        exited(c, status, startError, Instant.now());
    }

    /** A container ended: record how, then restart it, move on, or finish the pod, as the policy says. */
    private void exited(ContainerRun c, ExitStatus status, Termination decided, Instant finishedAt) {
        Termination t = decided != null ? decided
                : Termination.of(status, engine.cgroups().manager().oomKills(c.cgroup, c.oomKillsBefore));
        health.stop(c);
        c.stopRequested = false;
        if (c.process != null) {
            c.process.close();
            c.process = null;
        }
        c.state = ContainerState.terminated(t.reason(), t.exitCode(), t.message(), c.startedAt, finishedAt);
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
        engine.supervisor().after(delay, () -> relaunch(c));
    }

    private void relaunch(ContainerRun c) {
        c.restartPending = false;
        if (terminating || finishing || finished()) {
            return;
        }
        c.restartCount++;
        removeOldRun(c);
        launch(c);
        advance();
        engine.publish(this);
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
        this.outcome = outcome;
        this.outcomeReason = why;
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
        terminatingGraceSeconds = grace.toSeconds();
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
            }
        }
        if (remaining.isEmpty()) {
            then.run();
            return;
        }
        stopping = new Stopping(remaining, then);
        remaining.forEach(c -> stopContainer(c, deadlineNanos));
    }

    /**
     * Stops one container as kubelet does: its preStop hook (cut off at the deadline), then its stop
     * signal, then SIGKILL at the deadline; a hook that used the whole grace period still leaves the
     * container {@link #MIN_GRACE} to stop. A container already being stopped is left to that stop.
     */
    private void stopContainer(ContainerRun c, long deadlineNanos) {
        if (!c.running() || c.stopRequested) {
            return;
        }
        c.stopRequested = true;
        io.podshim.runtime.container.ContainerProcess run = c.process;
        health.preStop(c, untilNanos(deadlineNanos), () -> {
            event("Normal", "Killing", c.name(), "Stopping container " + c.name() + " with " + c.stopSignal().name());
            signal(c, c.stopSignal());
            long killAt = Math.max(deadlineNanos, System.nanoTime() + MIN_GRACE.toNanos());
            engine.supervisor().after(untilNanos(killAt), () -> {
                if (c.process == run) {
                    event("Warning", "Killing", c.name(), "Container " + c.name() + " did not stop within the grace period: SIGKILL");
                    signal(c, Signal.SIGKILL);
                }
            });
            engine.publish(this);
        });
    }

    /** Kubelet's minimumGracePeriodInSeconds: what a container gets after a preStop hook that ran out the clock. */
    private static final Duration MIN_GRACE = Duration.ofSeconds(2);

    private static Duration untilNanos(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /** How the pod's probes and hooks reach back into it. */
    private final class HealthCallbacks implements PodHealth.Pod {
        @Override
        public void event(String type, String reason, String object, String message) {
            PodRun.this.event(type, reason, object, message);
        }

        @Override
        public void kill(ContainerRun c, Duration grace) {
            if (terminating || finishing) {
                return; // the pod's own stop is under way, with its own grace
            }
            stopContainer(c, System.nanoTime() + grace.toNanos());
            engine.publish(PodRun.this);
        }

        @Override
        public void startedUp(ContainerRun c) {
            // Only a sidecar's start lets anything else go (the next init container). Not from within
            // launch(): the advance() that launched it goes on by itself.
            if (!c.spec.sidecar()) {
                return;
            }
            engine.supervisor().after(Duration.ZERO, () -> {
                advance();
                engine.publish(PodRun.this);
            });
        }

        @Override
        public void changed() {
            engine.publish(PodRun.this);
        }

        @Override
        public io.podshim.runtime.probe.Target target(ContainerRun c) {
            return new io.podshim.runtime.probe.Target(engine.execStage(), sandbox.pausePidFd(),
                    c.process.container().orElse(null), c.plan);
        }

        @Override
        public Duration grace() {
            return Duration.ofSeconds(manifest.spec().terminationGracePeriodSeconds());
        }
    }

    private static void signal(ContainerRun c, Signal signal) {
        c.process.signal(signal);
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

    /**
     * Saves {@link #record} beside the sandbox if it differs from what was saved last: a status
     * change is published several times (launch, advance, exit), and most publishes change nothing.
     */
    void save() {
        PodRecord now = record();
        if (now != null && !now.equals(saved)) {
            now.save(sandbox.directory());
            saved = now;
        }
    }

    /** What a restarted daemon needs to take this pod over; null once torn down (nothing is left to take). */
    PodRecord record() {
        if (sandbox == null || tornDown) {
            return null;
        }
        List<PodRecord.ContainerRecord> containers = all().stream().map(c -> new PodRecord.ContainerRecord(c.name(),
                c.restartCount, c.backToBackRestarts, c.started, c.restartPending, c.state, c.lastState, c.startedAt,
                c.oomKillsBefore, c.process == null ? null : c.process.saved(), c.startupPassed)).toList();
        return new PodRecord(manifest, phase, reason, startTime, terminating, terminatingGraceSeconds, outcome, outcomeReason,
                List.copyOf(events), containers);
    }

    /**
     * A pod an earlier daemon ran, from its {@code record} and its live {@code sandbox}: the
     * containers still running are taken over (shim and container found by pid and start time,
     * log pipes taken back from the shims), those that ended meanwhile are reported with the exit
     * status their shims recorded, and the pod goes on from there: restarts, the next init
     * container, a stop that was under way.
     */
    static PodRun adopt(PodEngine engine, PodRecord record, Map<String, io.podshim.runtime.image.StoredImage> images,
                        PodSandbox sandbox) {
        PodRun pod = new PodRun(engine, record.manifest(), images);
        pod.sandbox = sandbox;
        pod.resources = PodResources.of(pod.all().stream().map(pod::resourcesOf).toList());
        pod.podCgroup = engine.cgroups().podPath(record.manifest().uid(), pod.resources.qos());
        pod.volumes = io.podshim.runtime.container.PodVolumes.reopen(sandbox, record.manifest().spec().volumes());
        pod.phase = record.phase();
        pod.reason = record.reason();
        pod.startTime = record.startTime();
        pod.events.addAll(record.events());
        pod.event("Normal", "Recovered", "pod", "The daemon restarted and took the pod over (pause " + sandbox.pausePid() + ")");
        List<Runnable> endedMeanwhile = new ArrayList<>();
        for (ContainerRun c : pod.all()) {
            c.cgroup = pod.podCgroup.child(c.name());
            record.containers().stream().filter(saved -> saved.name().equals(c.name())).findFirst()
                    .ifPresent(saved -> pod.restore(c, saved, endedMeanwhile));
        }
        // Only once every container is restored: a failure above leaves nothing with the supervisor.
        for (ContainerRun c : pod.all()) {
            if (c.running()) {
                pod.watch(c);
                pod.health.resumed(c, c.startupPassed);
            }
        }
        pod.resume(record, endedMeanwhile);
        return pod;
    }

    private void restore(ContainerRun c, PodRecord.ContainerRecord saved, List<Runnable> endedMeanwhile) {
        c.restartCount = saved.restartCount();
        c.backToBackRestarts = saved.backToBackRestarts();
        c.started = saved.started();
        c.restartPending = saved.restartPending();
        c.state = saved.state();
        c.lastState = saved.lastState();
        c.startedAt = saved.startedAt();
        c.oomKillsBefore = saved.oomKillsBefore();
        c.startupPassed = saved.startupPassed();
        if (saved.process() == null) {
            return;
        }
        try {
            c.plan = plan(c, Stdio.devNull(), Stdio.devNull()); // what an exec into it must match
        } catch (PodException e) {
            event("Warning", "Failed", c.name(), "exec into " + c.name() + " will not work: " + e.getMessage());
        }
        Optional<io.podshim.runtime.container.ContainerProcess> found =
                io.podshim.runtime.container.ContainerProcess.adopt(saved.process());
        if (found.isPresent()) {
            c.process = found.get();
            resumeLogs(c);
            return;
        }
        Optional<Shim.ExitRecord> ended = Shim.record(saved.process().exitDir());
        endedMeanwhile.add(() -> {
            event("Normal", "Recovered", c.name(), "Container " + c.name() + " ended while the daemon was down: "
                    + ended.map(r -> r.status() + " at " + r.finishedAt()).orElse("how is unknown (no record)"));
            if (ended.isPresent()) {
                exited(c, ended.get().status(), null, ended.get().finishedAt());
            } else {
                exited(c, null, UNKNOWN, Instant.now());
            }
        });
    }

    /** Takes the log pipes' read ends back from the shim and appends to the run's log file again. */
    private void resumeLogs(ContainerRun c) {
        List<io.podshim.linux.Fd> pipes = c.process.takeKept();
        CriLogFile log = new CriLogFile(engine.logFile(manifest, c.name(), c.restartCount));
        c.logsWritten = CompletableFuture.allOf(engine.logs().attach(pipes.get(0), log, CriLogFile.Stream.STDOUT),
                engine.logs().attach(pipes.get(1), log, CriLogFile.Stream.STDERR)).whenComplete((ok, failure) -> log.close());
    }

    /** Picks up what the pod was doing: a stop under way, restarts whose timers died with the daemon, the next step. */
    private void resume(PodRecord record, List<Runnable> endedMeanwhile) {
        Long deadline = manifest.spec().activeDeadlineSeconds();
        if (deadline != null && startTime != null) {
            Duration left = Duration.between(Instant.now(), startTime.plusSeconds(deadline));
            engine.supervisor().after(left.isNegative() ? Duration.ZERO : left, this::deadlineExceeded);
        }
        // A pod that was stopping goes on stopping: what ended meanwhile is recorded, not restarted.
        if (record.terminating()) {
            terminating = true;
            terminatingGraceSeconds = record.terminatingGraceSeconds();
            endedMeanwhile.forEach(Runnable::run);
            stopAll(Duration.ofSeconds(terminatingGraceSeconds), this::teardown);
            return;
        }
        if (record.outcome() != null) {
            finishing = true;
            endedMeanwhile.forEach(Runnable::run);
            finish(record.outcome(), record.outcomeReason());
            return;
        }
        // Back-offs whose timers died with the daemon restart now (taken before the containers that
        // ended meanwhile schedule back-offs of their own).
        List<ContainerRun> backingOff = all().stream().filter(c -> c.restartPending).toList();
        endedMeanwhile.forEach(Runnable::run);
        backingOff.forEach(c -> engine.supervisor().after(Duration.ZERO, () -> relaunch(c)));
        advance();
    }

    boolean finished() {
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    /** Whether a container of this pod runs from the image with id {@code imageId}. */
    boolean usesImage(String imageId) {
        return all().stream().anyMatch(c -> c.image.id().equals(imageId));
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

    /** At most this many events are kept, the oldest dropped first (Kubernetes lets events expire). */
    private static final int MAX_EVENTS = 500;
    /** How far back a repeat of an event is looked for, to count it rather than add it again. */
    private static final int REPEAT_WINDOW = 10;

    private void event(String type, String why, String object, String message) {
        PodEvent now = new PodEvent(Instant.now(), type, why, object, message);
        for (int i = events.size() - 1; i >= Math.max(0, events.size() - REPEAT_WINDOW); i--) {
            PodEvent earlier = events.get(i);
            if (earlier.sameAs(now)) {
                events.remove(i);
                now = new PodEvent(now.time(), type, why, object, message, earlier.count() + 1);
                break;
            }
        }
        events.add(now);
        if (events.size() > MAX_EVENTS) {
            events.remove(0);
        }
    }

    PodStatus status() {
        List<ContainerStatus> initStatus = init.stream().map(ContainerRun::status).toList();
        List<ContainerStatus> appStatus = apps.stream().map(ContainerRun::status).toList();
        boolean initialized = apps.stream().anyMatch(c -> c.started) || init.stream().allMatch(c -> c.spec.sidecar()
                ? c.startedUp() : c.state.is(ContainerState.Kind.TERMINATED) && c.state.exitCode() == 0);
        // As Kubernetes counts it since sidecars: the app containers and the sidecars must all be ready.
        boolean ready = !finished() && !terminating && appStatus.stream().allMatch(ContainerStatus::ready)
                && initStatus.stream().filter(ContainerStatus::sidecar).allMatch(ContainerStatus::ready);
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
        return io.podshim.runtime.probe.Attempt.seconds(d);
    }
}
