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
    /** What it runs from: replaced by an update (an image, the active deadline, labels and annotations). */
    PodManifest manifest;
    final List<ContainerRun> containers = new ArrayList<>();
    final PodEvents events = new PodEvents();
    final PodHealth health;
    final ContainerStarts starts;
    final ContainerImages images;
    /** What its ConfigMaps, Secrets and own facts make of env and volumes. */
    final PodConfig config = new PodConfig(this);
    final VolumeImages volumeImages = new VolumeImages(this);
    /** Why the sandbox waits (a volume's ConfigMap or Secret is missing: FailedMount), or null. */
    String mountError;
    private final CompletableFuture<PodStatus> removed = new CompletableFuture<>();
    /** The outcome of the first attempt at the sandbox: what the pod's creator waits for. */
    private final CompletableFuture<PodStatus> created = new CompletableFuture<>();
    /** What the sandbox is made from, checked when the pod is created. */
    private SandboxSpec sandboxSpec;
    PodDecisions.Sandbox sandboxState = PodDecisions.Sandbox.NONE;
    /** Failed attempts at the sandbox in a row, and when the next may go (kubelet retries a pod whose sync failed). */
    int sandboxFailures;
    Instant sandboxRetryAt;
    PodSandbox sandbox;
    CgroupPath podCgroup;
    PodVolumes volumes;
    PodResources resources;
    /** Its place on the pod network, from the CNI result ({@link io.podshim.runtime.network.NetworkStatus#NONE} without one). */
    io.podshim.runtime.network.NetworkStatus network = io.podshim.runtime.network.NetworkStatus.NONE;
    Instant startTime;
    /** The object's own: when it was accepted, when and with what grace it is being deleted, its spec's version. */
    Instant creationTimestamp = Instant.now();
    Instant deletionTimestamp;
    Long deletionGracePeriodSeconds;
    long generation = 1;
    /** Each condition's value and since when it has it (its lastTransitionTime). */
    final java.util.Map<String, PodRecord.Condition> conditions = new java.util.LinkedHashMap<>();
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
            ContainerRun c = new ContainerRun(appSpecs.get(i), false, "spec.containers[" + i + "]");
            if (initSpecs.isEmpty()) {
                c.state = ContainerState.waiting("ContainerCreating", null); // kubelet's word when no init container comes first
            }
            containers.add(c);
        }
    }

    CompletableFuture<PodStatus> removed() {
        return removed;
    }

    /**
     * Checks what the sandbox is made from and asks for it; the future completes once the first
     * attempt is over. A pod whose sandbox could not be made because of the manifest (a field at
     * fault) is refused whole: the future fails and the pod is gone. Any other failure (a CNI
     * plugin, the kernel) leaves the pod Pending with a FailedCreatePodSandBox event, tried again
     * after a back-off, as kubelet does.
     */
    CompletableFuture<PodStatus> create() {
        PodManifest.Spec spec = manifest.spec();
        resources = podResources(manifest, containers.stream().map(PodRun::resourcesOf).toList());
        sandboxSpec = new SandboxSpec(manifest.name(), manifest.uid(), spec.hostname().kernelHostname(), spec.hostNetwork(),
                spec.hostIPC(), spec.hostPID(), SandboxSpec.DEFAULT_SHM_SIZE);
        sync();
        return created;
    }

    /** The sandbox, pod and container cgroups, volumes and network, made whole or not at all, off the supervisor thread. */
    private void makeSandbox(java.util.Map<String, java.util.Map<String, io.podshim.runtime.config.AtomicWriter.FileContent>> files,
                             java.util.Map<String, java.nio.file.Path> images) {
        sandboxState = PodDecisions.Sandbox.MAKING;
        SandboxSpec spec = sandboxSpec;
        PodResources podResources = resources;
        List<ContainerResources> each = containers.stream().map(PodRun::resourcesOf).toList();
        List<io.podshim.runtime.network.PortMapping> ports = manifest.allContainers().stream()
                .flatMap(c -> c.hostPorts().stream()).toList();
        List<io.podshim.runtime.container.Volume> volumeSpecs = manifest.spec().volumes();
        String namespace = manifest.namespace();
        Long fsGroup = manifest.spec().security().fsGroup();
        String fsGroupChangePolicy = manifest.spec().security().fsGroupChangePolicy();
        java.util.Map<String, String> sysctls = manifest.spec().security().sysctls();
        java.util.Map<String, java.nio.file.Path> claims = new java.util.LinkedHashMap<>(engine.claimPaths(manifest));
        claims.putAll(images);
        io.podshim.runtime.core.RuntimeCore core = engine.core();
        engine.offSupervisor(() -> {
            PodSandboxHandle made = core.createSandbox(spec, podResources, volumeSpecs, claims, fsGroup, fsGroupChangePolicy,
                    namespace, ports);
            List<CgroupPath> cgroups = new ArrayList<>();
            try {
                made.volumes().project(files, fsGroup);
                core.setSysctls(made, sysctls);
                for (ContainerResources r : each) {
                    cgroups.add(core.createContainerCgroup(made, r));
                }
            } catch (RuntimeException e) {
                List<String> problems = core.destroySandbox(made);
                if (e instanceof PodException p && p.field() != null && problems.isEmpty()) {
                    throw p; // the manifest's fault (a sysctl's value): the pod is refused, naming the field
                }
                throw new PodException("pod " + spec.podName() + ": " + e.getMessage()
                        + (problems.isEmpty() ? "" : " (and its clean-up: " + String.join("; ", problems) + ")"), e);
            }
            return new Made(made, cgroups);
        }, this::sandboxMade);
    }

    private record Made(PodSandboxHandle handle, List<CgroupPath> containerCgroups) {}

    /** Back on the supervisor: the sandbox is there (the pod starts, or is removed if it was deleted meanwhile), or it failed. */
    private void sandboxMade(Made made, Throwable failure) {
        if (failure == null) {
            sandboxState = PodDecisions.Sandbox.READY;
            sandbox = made.handle().sandbox();
            podCgroup = made.handle().cgroup();
            volumes = made.handle().volumes();
            network = made.handle().network();
            for (int i = 0; i < containers.size(); i++) {
                containers.get(i).cgroup = made.containerCgroups().get(i);
            }
            startTime = Instant.now();
            if (lifecycle == PodLifecycle.CREATING) {
                lifecycle = lifecycle.to(PodLifecycle.INITIALIZING);
                events.add("Normal", "Scheduled", "pod", "sandbox ready: pause " + sandbox.pausePid() + ", cgroup " + podCgroup
                        + (network.podIP() == null ? "" : ", " + network.interfaceName() + " " + network.podIP() + " on network "
                        + network.network() + " (ADD: " + String.join(", ", network.took()) + ")"));
            }
            // The first decisions on the next turn: whoever created the pod sees it created, with its
            // sandbox, even when its first container fails at once and the pod ends in the same breath.
            engine.publish(this);
            created.complete(status());
            engine.supervisor().after(java.time.Duration.ZERO, this::sync);
            return;
        } else {
            sandboxState = PodDecisions.Sandbox.NONE;
            PodException e = failure instanceof PodException p ? p : new PodException("pod " + manifest.name() + ": " + failure, failure);
            if (!created.isDone() && e.kind() == PodException.Kind.INVALID && e.field() != null) {
                refuse(e);
                return;
            }
            sandboxFailures++;
            sandboxRetryAt = Instant.now().plus(engine.backoff().delay(sandboxFailures - 1));
            events.add("Warning", "FailedCreatePodSandBox", "pod", "Failed to create pod sandbox: " + e.getMessage());
        }
        sync();
        created.complete(status());
    }

    /** The manifest cannot run here: the pod goes as if it had never been created. */
    private void refuse(PodException e) {
        lifecycle = lifecycle.to(PodLifecycle.DONE);
        engine.forget(this);
        created.completeExceptionally(e);
        removed.complete(status());
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
                manifest.spec().activeDeadlineSeconds(), stopDeadline, sandboxState, sandboxRetryAt,
                containers.stream().map(ContainerRun::observed).toList(), mountError != null || volumeImages.busy());
        return PodDecisions.decide(pod, Instant.now(), engine.backoff());
    }

    /** Carries out one action; whether it changed anything the decisions look at. */
    private boolean perform(PodAction action) {
        if (action instanceof PodAction.CreateSandbox) {
            java.util.Map<String, java.util.Map<String, io.podshim.runtime.config.AtomicWriter.FileContent>> files;
            java.util.Map<String, java.nio.file.Path> images;
            try {
                files = config.volumes();
                images = volumeImages.roots();
            } catch (MissingConfig e) {
                if (!e.getMessage().equals(mountError)) {
                    events.add("Warning", "FailedMount", "pod", e.getMessage());
                }
                mountError = e.getMessage();
                created.complete(status()); // created, ContainerCreating, as the API server has it
                return true;
            }
            if (images == null) {
                created.complete(status()); // an image volume's pull is under way: its end is the next event
                return true;
            }
            mountError = null;
            makeSandbox(files, images);
        } else if (action instanceof PodAction.Launch launch) {
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
        } else if (action instanceof PodAction.Replace replace) {
            ContainerRun c = container(replace.container()).orElseThrow();
            if (c.running()) {
                return stopContainer(c, Instant.now().plusSeconds(manifest.spec().terminationGracePeriodSeconds()));
            }
            // Ended: its next run is due now, of the new image, with no back-off and whatever the restart policy.
            c.changed = false;
            images.forget(c);
            c.lastState = c.state;
            c.restartAt = Instant.now();
            c.state = ContainerState.waiting("ContainerCreating", null);
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
        c.closeStreams();
        if (c.changed && c.role() == PodDecisions.Role.INIT) {
            c.changed = false;
            images.forget(c); // updated while it ran: its next run, if any, is of the new image
        }
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

    /**
     * The pod is evicted, as kubelet's eviction manager does it (an emptyDir over its sizeLimit, a
     * container over its ephemeral-storage limit):
     * Failed with reason Evicted and {@code message}, everything stopped at once (grace 0).
     */
    void evict(String message) {
        if (lifecycle != PodLifecycle.INITIALIZING && lifecycle != PodLifecycle.RUNNING) {
            return;
        }
        outcome = PodPhase.FAILED;
        outcomeReason = "Evicted";
        events.add("Warning", "Evicted", "pod", message);
        lifecycle = lifecycle.to(PodLifecycle.FINISHING);
        stopDeadline = Instant.now();
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
        deletionTimestamp = deadline; // as the API server sets it: when the grace period ends
        deletionGracePeriodSeconds = grace.toSeconds();
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

    /**
     * Every container has exited: the pod's network, cgroups, sandbox and volumes are removed off the
     * supervisor thread (a CNI DEL, a pause that takes its time to die), then the pod is done.
     */
    private void teardown() {
        if (sandbox == null) {
            tornDown(List.of());
            return;
        }
        sandboxState = PodDecisions.Sandbox.REMOVING;
        PodSandboxHandle handle = new PodSandboxHandle(sandbox, podCgroup, volumes, network);
        io.podshim.runtime.core.RuntimeCore core = engine.core();
        engine.offSupervisor(() -> core.destroySandbox(handle), (problems, failure) -> tornDown(failure == null ? problems
                : List.of(failure.getMessage())));
    }

    private void tornDown(List<String> problems) {
        boolean deleted = lifecycle == PodLifecycle.TERMINATING;
        sandboxState = PodDecisions.Sandbox.NONE;
        lifecycle = lifecycle.to(PodLifecycle.DONE);
        problems.forEach(p -> events.add("Warning", "FailedCleanup", "pod", p));
        engine.publish(this);
        if (deleted) {
            engine.forget(this);
        }
        created.complete(status());
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

    /**
     * Runs from {@code update}'s manifest from now on (an update {@link PodUpdate} allowed): a container whose image
     * changed while it runs is replaced (stopped, then run again with the new image, as kubelet does);
     * one that is not running takes the new image on its next run; an init container that has done
     * its work is not run again. The active deadline, labels and annotations take effect at once.
     */
    void update(PodUpdate update) {
        PodManifest next = update.manifest();
        List<String> changedImages = update.changedImages();
        manifest = next;
        refreshVolumes(); // a downward API file of a label or an annotation
        if (update.specChanged()) {
            generation++; // as the API server counts changes of the spec, not of the metadata
        }
        for (ContainerRun c : containers) {
            if (c.ephemeral || !changedImages.contains(c.name())) {
                continue;
            }
            c.spec = next.allContainers().stream().filter(s -> s.name().equals(c.name())).findFirst().orElseThrow();
            if (!c.running()) {
                images.forget(c);
            } else if (c.role() == PodDecisions.Role.INIT) {
                c.changed = true; // not replaced (its work is under way), but a next run takes the new image
            } else {
                c.changed = true;
                events.add("Normal", "Killing", c.name(), "Container " + c.name() + " definition changed, will be restarted");
            }
        }
        sync();
    }

    /**
     * A ConfigMap, Secret or claim of the pod's namespace was applied or deleted: what waited for it
     * is tried again, and the volumes made from ConfigMaps, Secrets and the pod's own facts are
     * brought up to date in place (kubelet's periodic sync of them, here at once).
     */
    void objectsChanged() {
        containers.forEach(c -> c.configError = null);
        mountError = null;
        refreshVolumes();
        sync();
    }

    /**
     * Rewrites each configMap, secret, downwardAPI and projected volume that no longer holds what
     * it should; one whose source has gone keeps what it had, as kubelet keeps it.
     */
    void refreshVolumes() {
        if (volumes == null || sandboxState != PodDecisions.Sandbox.READY) {
            return;
        }
        for (io.podshim.runtime.container.Volume v : manifest.spec().volumes()) {
            if (!(v.source() instanceof io.podshim.runtime.container.Volume.Projection)) {
                continue;
            }
            try {
                volumes.project(v.name(), config.files(v), manifest.spec().security().fsGroup());
            } catch (MissingConfig e) {
                // left as it was
            } catch (PodException e) {
                events.add("Warning", "FailedMount", "pod", e.getMessage());
            }
        }
    }

    /**
     * Adds an ephemeral container to this running pod, as the ephemeralcontainers subresource does:
     * its name unique among all the pod's containers, its target (if any) one of the pod's own; it
     * gets a cgroup in the pod's and starts at once. It is never restarted and goes with the pod.
     */
    void addEphemeral(PodManifest.Container spec, String targetContainerName) {
        if (sandbox == null || (lifecycle != PodLifecycle.INITIALIZING && lifecycle != PodLifecycle.RUNNING)) {
            throw PodException.conflict(null, "pod " + manifest.name() + " is not running (" + status().display()
                    + "): an ephemeral container joins a running pod");
        }
        if (container(spec.name()).isPresent()) {
            throw PodException.conflict("spec.ephemeralContainers.name", "spec.ephemeralContainers.name: \"" + spec.name()
                    + "\" is the name of a container of pod " + manifest.name() + " already: names must be unique");
        }
        if (targetContainerName != null && container(targetContainerName).filter(t -> !t.ephemeral).isEmpty()) {
            throw PodException.invalid("spec.ephemeralContainers.targetContainerName", "pod " + manifest.name()
                    + " has no container \"" + targetContainerName + "\"");
        }
        ContainerRun c = ephemeral(spec, targetContainerName, containers);
        c.cgroup = engine.core().createContainerCgroup(new PodSandboxHandle(sandbox, podCgroup, volumes, network), resourcesOf(c));
        containers.add(c);
        events.add("Normal", "Added", c.name(), "Ephemeral container " + c.name() + " added"
                + (targetContainerName == null ? "" : ", in the pid namespace of " + targetContainerName));
        sync();
    }

    /** An ephemeral container's run, the next of {@code existing}'s. */
    static ContainerRun ephemeral(PodManifest.Container spec, String targetContainerName, List<ContainerRun> existing) {
        long before = existing.stream().filter(c -> c.ephemeral).count();
        ContainerRun c = new ContainerRun(spec, false, true, "spec.ephemeralContainers[" + before + "]");
        c.target = targetContainerName;
        return c;
    }

    /** The phase Kubernetes would report now. */
    PodPhase phase() {
        boolean appsStarted = containers.stream().anyMatch(c -> c.role() == PodDecisions.Role.APP && c.started);
        return lifecycle == PodLifecycle.DONE && outcome != null ? outcome : appsStarted ? PodPhase.RUNNING : PodPhase.PENDING;
    }

    /** Whether a container of this pod runs from the image with id {@code imageId}. */
    boolean usesImage(String imageId) {
        return containers.stream().anyMatch(c -> c.image != null && c.image.id().equals(imageId)) || volumeImages.uses(imageId);
    }

    /** The container, if it exists, for an exec into it. */
    Optional<ContainerRun> container(String name) {
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The log-written future of {@code container}'s current run (done if there is none). */
    CompletableFuture<Void> logsWritten(String container) {
        return container(container).map(c -> c.logsWritten).orElse(CompletableFuture.completedFuture(null));
    }

    /** What sizes the pod cgroup: the containers' resources, under the pod-level ones where the manifest has them. */
    static PodResources podResources(PodManifest manifest, List<ContainerResources> containers) {
        PodManifest.Resources pod = manifest.spec().resources();
        return PodResources.of(containers).withPodLevel(pod.cpuRequestMilli(), pod.cpuLimitMilli(), pod.memoryRequestBytes(),
                pod.memoryLimitBytes(), pod.pidsLimit());
    }

    static ContainerResources resourcesOf(ContainerRun c) {
        PodManifest.Resources r = c.spec.resources();
        ContainerResources.Kind kind = switch (c.role()) {
            case APP, EPHEMERAL -> ContainerResources.Kind.APP;
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
