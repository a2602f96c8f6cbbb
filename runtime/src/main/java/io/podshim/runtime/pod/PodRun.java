package io.podshim.runtime.pod;

import io.podshim.cgroups.CgroupPath;
import io.podshim.cgroups.ContainerResources;
import io.podshim.cgroups.PodResources;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Shim;
import io.podshim.pause.PodSandbox;
import io.podshim.pause.SandboxSpec;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.PodVolumes;
import io.podshim.runtime.container.Termination;
import io.podshim.runtime.core.PodSandboxHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import jnr.constants.platform.Signal;

/**
 * One pod's life on this node: the executor of {@link PodDecisions}, as kubelet's SyncPod is of
 * computePodActions. It makes the sandbox, cgroups and volumes; after every event (a container
 * ended, a timer, a sidecar started up, a deletion) it asks the decisions what to do and does it:
 * get a container its image ({@link ContainerImages}), launch or back off a container
 * ({@link ContainerStarts}), stop one (preStop, stop signal,
 * SIGKILL at the deadline), finish with an outcome, tear down. It records what it observes and
 * decides nothing itself. Runs on the supervisor thread only.
 */
final class PodRun {
    /** Kubelet's minimumGracePeriodInSeconds: what a container gets after a preStop hook that ran out the clock. */
    private static final Duration MIN_GRACE = Duration.ofSeconds(2);
    /** Far more rounds of decisions than any pod needs; more means decisions that never settle (a bug). */
    private static final int MAX_ROUNDS = 1000;

    final PodEngine engine;
    final PodManifest manifest;
    final List<ContainerRun> containers = new ArrayList<>();
    final PodEvents events = new PodEvents();
    final PodHealth health;
    final ContainerStarts starts;
    final ContainerImages images;
    private final CompletableFuture<PodStatus> removed = new CompletableFuture<>();
    PodSandbox sandbox;
    CgroupPath podCgroup;
    PodVolumes volumes;
    PodResources resources;
    /** Its place on the pod network, from the CNI result ({@link io.podshim.runtime.network.NetworkStatus#NONE} without one). */
    io.podshim.runtime.network.NetworkStatus network = io.podshim.runtime.network.NetworkStatus.NONE;
    Instant startTime;
    PodLifecycle lifecycle = PodLifecycle.CREATING;
    /** Once decided, the phase reported when every container has stopped, and why. */
    PodPhase outcome;
    String outcomeReason;
    /** While FINISHING or TERMINATING: when what still runs gets SIGKILL. */
    Instant stopDeadline;
    long terminatingGraceSeconds;
    /** What {@link #save} wrote last. */
    private PodRecord saved;
    private boolean syncing;
    private boolean again;
    /** The earliest decision time a timer is set for. */
    private Instant wakeAt;

    PodRun(PodEngine engine, PodManifest manifest) {
        this.engine = engine;
        this.manifest = manifest;
        this.health = new PodHealth(new HealthCallbacks(this), engine.supervisor());
        this.starts = new ContainerStarts(this);
        this.images = new ContainerImages(this);
        List<PodManifest.Container> initSpecs = manifest.spec().initContainers();
        for (int i = 0; i < initSpecs.size(); i++) {
            containers.add(new ContainerRun(initSpecs.get(i), true, "spec.initContainers[" + i + "]"));
        }
        List<PodManifest.Container> appSpecs = manifest.spec().containers();
        for (int i = 0; i < appSpecs.size(); i++) {
            containers.add(new ContainerRun(appSpecs.get(i), false, "spec.containers[" + i + "]"));
        }
    }

    CompletableFuture<PodStatus> removed() {
        return removed;
    }

    /** Creates the sandbox, cgroups and volumes, whole or not at all, then starts the first containers. */
    void start() {
        PodManifest.Spec spec = manifest.spec();
        resources = PodResources.of(containers.stream().map(PodRun::resourcesOf).toList());
        List<io.podshim.runtime.network.PortMapping> ports = manifest.allContainers().stream()
                .flatMap(c -> c.hostPorts().stream()).toList();
        PodSandboxHandle made = engine.core().createSandbox(new SandboxSpec(manifest.name(), manifest.uid(), spec.hostname().kernelHostname(), spec.hostNetwork(),
                spec.hostIPC(), spec.hostPID(), SandboxSpec.DEFAULT_SHM_SIZE), resources, spec.volumes(), manifest.namespace(), ports);
        sandbox = made.sandbox();
        podCgroup = made.cgroup();
        volumes = made.volumes();
        network = made.network();
        try {
            for (ContainerRun c : containers) {
                c.cgroup = engine.core().createContainerCgroup(made, resourcesOf(c));
            }
        } catch (RuntimeException e) {
            teardown();
            throw e instanceof PodException ? e : new PodException("pod " + manifest.name() + ": " + e.getMessage(), e);
        }
        startTime = Instant.now();
        lifecycle = lifecycle.to(PodLifecycle.INITIALIZING);
        events.add("Normal", "Scheduled", "pod", "sandbox ready: pause " + sandbox.pausePid() + ", cgroup " + podCgroup
                + (network.podIP() == null ? "" : ", " + network.interfaceName() + " " + network.podIP() + " on network " + network.network()
                + " (ADD: " + String.join(", ", network.took()) + ")"));
        // The first decisions on the next turn: whoever created the pod sees it created, with its
        // sandbox, even when its first container fails at once and the pod ends in the same breath.
        engine.supervisor().after(Duration.ZERO, this::sync);
    }

    /**
     * Decides and acts until the decisions ask for nothing but a later look, then publishes. An
     * event that arrives while actions run (a container that fails to start ends at once) makes
     * one more round rather than a nested one.
     */
    void sync() {
        if (syncing) {
            again = true;
            return;
        }
        syncing = true;
        try {
            for (int round = 0; ; round++) {
                if (round == MAX_ROUNDS) {
                    throw new IllegalStateException("pod " + manifest.name() + ": its decisions did not settle in " + MAX_ROUNDS
                            + " rounds: " + decide());
                }
                again = false;
                boolean acted = false;
                for (PodAction action : decide()) {
                    acted |= perform(action);
                }
                if (!acted && !again) {
                    break;
                }
            }
        } finally {
            syncing = false;
        }
        engine.publish(this);
    }

    /** Records {@code events} before deciding once: a pod taken over reports everything that ended meanwhile first. */
    void afterAll(Runnable events) {
        boolean was = syncing;
        syncing = true;
        try {
            events.run();
        } finally {
            syncing = was;
        }
        sync();
    }

    List<PodAction> decide() {
        images.refresh();
        PodDecisions.Pod pod = new PodDecisions.Pod(lifecycle, manifest.spec().restartPolicy(), startTime,
                manifest.spec().activeDeadlineSeconds(), stopDeadline, containers.stream().map(ContainerRun::observed).toList());
        return PodDecisions.decide(pod, Instant.now(), engine.backoff());
    }

    /** Carries out one action; whether it changed anything the decisions look at. */
    private boolean perform(PodAction action) {
        if (action instanceof PodAction.Launch launch) {
            ContainerRun c = container(launch.container()).orElseThrow();
            if (c.role() == PodDecisions.Role.APP && lifecycle == PodLifecycle.INITIALIZING) {
                lifecycle = lifecycle.to(PodLifecycle.RUNNING);
            }
            starts.launch(c);
        } else if (action instanceof PodAction.PullImage pull) {
            images.pull(container(pull.container()).orElseThrow());
        } else if (action instanceof PodAction.ShowPullBackOff shown) {
            images.showBackOff(container(shown.container()).orElseThrow());
        } else if (action instanceof PodAction.ImageNeverPulled never) {
            images.neverPulled(container(never.container()).orElseThrow());
        } else if (action instanceof PodAction.BackOff backOff) {
            starts.backOff(container(backOff.container()).orElseThrow(), backOff);
        } else if (action instanceof PodAction.Stop stop) {
            return stopContainer(container(stop.container()).orElseThrow(), stop.deadline());
        } else if (action instanceof PodAction.Finish finish) {
            outcome = finish.phase();
            outcomeReason = finish.reason();
            if (finish.message() != null) {
                events.add("Warning", finish.reason() != null ? finish.reason() : "Failed", "pod", finish.message());
            }
            lifecycle = lifecycle.to(PodLifecycle.FINISHING);
            stopDeadline = Instant.now().plusSeconds(manifest.spec().terminationGracePeriodSeconds());
        } else if (action instanceof PodAction.TearDown) {
            teardown();
        } else if (action instanceof PodAction.WakeAt wake) {
            wakeUpAt(wake.time());
            return false;
        }
        return true;
    }

    private void wakeUpAt(Instant time) {
        if (wakeAt != null && !time.isBefore(wakeAt) && wakeAt.isAfter(Instant.now())) {
            return; // an earlier look is already due; it will ask for this one again
        }
        wakeAt = time;
        engine.supervisor().after(Duration.between(Instant.now(), time), () -> {
            if (time.equals(wakeAt)) {
                wakeAt = null;
            }
            sync();
        });
    }

    /** A container's shim has exited, right after the container: its record says how the container ended. */
    void shimExited(ContainerRun c) {
        Optional<Shim.ExitRecord> record = c.process.awaitRecord();
        if (record.isPresent()) {
            exited(c, record.get().status(), null, record.get().finishedAt());
        } else {
            c.process.signal(Signal.SIGKILL); // its shim was killed: the container must not run on unsupervised
            exited(c, null, UNKNOWN, Instant.now());
        }
    }

    /** As kubelet reports a container whose end it could not learn. */
    static final Termination UNKNOWN = new Termination("ContainerStatusUnknown", 137,
            "The container's shim ended without recording how the container ended");

    /** A container ended: record how; what follows is for the decisions. */
    void exited(ContainerRun c, ExitStatus status, Termination decided, Instant finishedAt) {
        Termination t = decided != null ? decided
                : engine.core().termination(status, c.cgroup, c.oomKillsBefore);
        health.stop(c);
        c.stopRequested = false;
        if (c.process != null) {
            c.process.close();
            c.process = null;
        }
        // The shim stamps the end; a container quicker than the daemon's own stamp of its start must not end before it.
        Instant finished = c.startedAt != null && finishedAt.isBefore(c.startedAt) ? c.startedAt : finishedAt;
        c.state = ContainerState.terminated(t.reason(), t.exitCode(), t.message(), c.startedAt, finished);
        if (t.reason().equals("OOMKilled")) {
            events.add("Warning", "OOMKilled", c.name(), "Container " + c.name() + " exceeded its memory limit and was killed");
        }
        sync();
    }

    /** Deletion: Terminating; everything is stopped within {@code grace}, sidecars last; then the teardown. */
    void delete(Duration grace) {
        if (lifecycle == PodLifecycle.TERMINATING) {
            return;
        }
        if (lifecycle == PodLifecycle.DONE) {
            engine.forget(this); // completed earlier (Succeeded or Failed): only the record is left to remove
            return;
        }
        boolean finishing = lifecycle == PodLifecycle.FINISHING;
        lifecycle = lifecycle.to(PodLifecycle.TERMINATING);
        terminatingGraceSeconds = grace.toSeconds();
        Instant deadline = Instant.now().plus(grace);
        stopDeadline = finishing && stopDeadline.isBefore(deadline) ? stopDeadline : deadline;
        events.add("Normal", "Killing", "pod", "Stopping pod " + manifest.name() + " (grace period " + grace.toSeconds() + "s)");
        sync();
    }

    /**
     * Stops one container as kubelet does: its preStop hook (cut off at the deadline), then its stop
     * signal, then SIGKILL at the deadline; a hook that used the whole grace period still leaves the
     * container {@link #MIN_GRACE} to stop. A container already being stopped is left to that stop.
     * Whether a stop began.
     */
    boolean stopContainer(ContainerRun c, Instant deadline) {
        if (!c.running() || c.stopRequested) {
            return false;
        }
        c.stopRequested = true;
        io.podshim.runtime.container.ContainerProcess run = c.process;
        health.preStop(c, until(deadline), () -> {
            events.add("Normal", "Killing", c.name(), "Stopping container " + c.name() + " with " + c.stopSignal().name());
            c.process.signal(c.stopSignal());
            Instant killAt = deadline.isAfter(Instant.now().plus(MIN_GRACE)) ? deadline : Instant.now().plus(MIN_GRACE);
            engine.supervisor().after(until(killAt), () -> {
                if (c.process == run) {
                    events.add("Warning", "Killing", c.name(), "Container " + c.name() + " did not stop within the grace period: SIGKILL");
                    c.process.signal(Signal.SIGKILL);
                }
            });
            engine.publish(this);
        });
        return true;
    }

    private static Duration until(Instant time) {
        Duration left = Duration.between(Instant.now(), time);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Every container has exited: remove the pod's cgroups, sandbox and volumes. Idempotent. */
    private void teardown() {
        if (lifecycle == PodLifecycle.DONE) {
            return;
        }
        boolean deleted = lifecycle == PodLifecycle.TERMINATING;
        lifecycle = lifecycle.to(PodLifecycle.DONE);
        List<String> problems = sandbox == null ? List.of()
                : engine.core().destroySandbox(new PodSandboxHandle(sandbox, podCgroup, volumes, network));
        problems.forEach(p -> events.add("Warning", "FailedCleanup", "pod", p));
        engine.publish(this);
        if (deleted) {
            engine.forget(this);
        }
        removed.complete(status());
    }

    /**
     * Saves {@link #record} beside the sandbox if it differs from what was saved last: a status
     * change is published several times (launch, advance, exit), and most publishes change nothing.
     */
    void save() {
        PodRecord now = PodRecovery.record(this);
        if (now != null && !now.equals(saved)) {
            now.save(sandbox.directory());
            saved = now;
        }
    }

    /** The phase Kubernetes would report now. */
    PodPhase phase() {
        boolean appsStarted = containers.stream().anyMatch(c -> c.role() == PodDecisions.Role.APP && c.started);
        return lifecycle == PodLifecycle.DONE && outcome != null ? outcome : appsStarted ? PodPhase.RUNNING : PodPhase.PENDING;
    }

    /** Whether a container of this pod runs from the image with id {@code imageId}. */
    boolean usesImage(String imageId) {
        return containers.stream().anyMatch(c -> c.image != null && c.image.id().equals(imageId));
    }

    /** The container, if it exists, for an exec into it. */
    Optional<ContainerRun> container(String name) {
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The log-written future of {@code container}'s current run (done if there is none). */
    CompletableFuture<Void> logsWritten(String container) {
        return container(container).map(c -> c.logsWritten).orElse(CompletableFuture.completedFuture(null));
    }

    static ContainerResources resourcesOf(ContainerRun c) {
        PodManifest.Resources r = c.spec.resources();
        ContainerResources.Kind kind = switch (c.role()) {
            case APP -> ContainerResources.Kind.APP;
            case SIDECAR -> ContainerResources.Kind.SIDECAR;
            case INIT -> ContainerResources.Kind.INIT;
        };
        return new ContainerResources(c.name(), kind, r.cpuRequestMilli(), r.cpuLimitMilli(), r.memoryRequestBytes(),
                r.memoryLimitBytes());
    }

    PodStatus status() {
        return PodStatusView.of(this);
    }
}
