package io.podshim.runtime.pod;

import io.podshim.cgroups.CgroupPath;
import io.podshim.runtime.container.ContainerProcess;
import io.podshim.runtime.image.StoredImage;
import java.time.Instant;

/** One container of a running pod, as the supervisor tracks it. Supervisor thread only. */
final class ContainerRun {
    /** What it runs from; an update may change its image. */
    PodManifest.Container spec;
    /** Its spec was updated while it ran: the run is of the old one, and is to be replaced. */
    boolean changed;
    /** Why its next run cannot be made (a ConfigMap, Secret or key its env needs is missing), or null. */
    String configError;
    final boolean init;
    final boolean ephemeral;
    final String field;
    /** An ephemeral container's targetContainerName: it runs in that container's pid namespace. Null otherwise. */
    String target;
    /** The image its next (or current) run is made from; null until the store has it. */
    StoredImage image;
    /** Where the pull of its image stands, and since when it failed (see {@link PodDecisions.Image}). */
    PodDecisions.Pull pull = PodDecisions.Pull.NONE;
    /** A pull for the next run has finished (what Always asks before every run). */
    boolean freshPull;
    int pullFailures;
    Instant pullFailedAt;
    Instant pullRetryAt;
    String pullError;
    CgroupPath cgroup;
    ContainerState state = ContainerState.waiting("PodInitializing", null);
    ContainerState lastState;
    int restartCount;
    int backToBackRestarts;
    /** Waiting in back-off until then to run again; null otherwise. */
    Instant restartAt;
    boolean started;
    ContainerProcess process;
    Instant startedAt;
    long oomKillsBefore;
    /** How the current run was launched: what an exec into it must match (user, capabilities, cgroup). */
    io.podshim.runtime.container.LaunchPlan plan;
    /** The current run's postStart hook is done (or it has none). */
    boolean postStartDone;
    /** The current run's startup probe has passed (or it has none). */
    boolean startupPassed;
    /** The current run's readiness probe says ready. */
    boolean probedReady;
    /** A stop of the current run is under way (its preStop hook, or the stop signal sent). */
    boolean stopRequested;
    /** The current run's probes, and the hook under way if any (see {@link PodHealth}). */
    final java.util.List<io.podshim.runtime.probe.ProbeWorker> probes = new java.util.ArrayList<>();
    io.podshim.runtime.probe.Attempt hook;
    /** Completes once the current run's stdout and stderr have reached its log file. */
    java.util.concurrent.CompletableFuture<Void> logsWritten = java.util.concurrent.CompletableFuture.completedFuture(null);
    /**
     * The current run's standard input as attach writes to it (with {@code stdin: true}): its pipe's
     * write end, or with {@code tty: true} its terminal's master; null without, or once closed
     * ({@code stdinOnce} after the first attach).
     */
    io.podshim.linux.Fd stdin;
    /** The current run's terminal master, for a resize (with {@code tty: true}); the same descriptor as {@link #stdin}. */
    io.podshim.linux.Fd terminal;
    /** Who sees the current run's output as it is logged: its attach sessions. */
    io.podshim.runtime.logs.Taps taps = new io.podshim.runtime.logs.Taps();
    /** An attach with stdin has ended (what {@code stdinOnce} waits for). */
    boolean attachedOnce;

    ContainerRun(PodManifest.Container spec, boolean init, String field) {
        this(spec, init, false, field);
    }

    /** @param ephemeral added to the running pod (spec.ephemeralContainers): run once, never restarted */
    ContainerRun(PodManifest.Container spec, boolean init, boolean ephemeral, String field) {
        this.spec = spec;
        this.init = init;
        this.ephemeral = ephemeral;
        this.field = field;
    }

    String name() {
        return spec.name();
    }

    /** The image's StopSignal, else SIGTERM, as the runtime sends it on stop. */
    jnr.constants.platform.Signal stopSignal() {
        return image.config().stopSignalOrTerm();
    }

    boolean running() {
        return process != null;
    }

    /** The run has ended: what attach held for it is let go. */
    void closeStreams() {
        if (stdin != null) {
            stdin.close();
        }
        if (terminal != null && terminal != stdin) {
            terminal.close();
        }
        stdin = null;
        terminal = null;
    }

    /** Running, its postStart hook done and its startup probe passed: Kubernetes' {@code started}. */
    boolean startedUp() {
        return running() && state.is(ContainerState.Kind.RUNNING) && postStartDone && startupPassed;
    }

    /** Started, and ready by its readiness probe if it has one. */
    boolean ready() {
        return startedUp() && !stopRequested && (spec.readinessProbe() == null || probedReady);
    }

    PodDecisions.Role role() {
        return ephemeral ? PodDecisions.Role.EPHEMERAL : !init ? PodDecisions.Role.APP
                : spec.sidecar() ? PodDecisions.Role.SIDECAR : PodDecisions.Role.INIT;
    }

    PullPolicy pullPolicy() {
        return PullPolicy.of(spec.imagePullPolicy());
    }

    /** What the decisions need to know of this container now. */
    PodDecisions.Container observed() {
        // Launched and neither running nor ended cannot be seen between events; taken as running, it is waited for.
        PodDecisions.Status status = running() ? PodDecisions.Status.RUNNING : restartAt != null ? PodDecisions.Status.BACKING_OFF
                : state.is(ContainerState.Kind.TERMINATED) ? PodDecisions.Status.TERMINATED
                : !started ? PodDecisions.Status.NOT_STARTED : PodDecisions.Status.RUNNING;
        ContainerState ended = restartAt != null ? lastState : state;
        boolean hasEnded = ended != null && ended.is(ContainerState.Kind.TERMINATED);
        java.time.Duration ran = hasEnded && ended.startedAt() != null && ended.finishedAt() != null
                ? java.time.Duration.between(ended.startedAt(), ended.finishedAt()) : null;
        return new PodDecisions.Container(name(), role(), spec.restartPolicy(), spec.restartPolicyRules(), status, startedUp(),
                stopRequested, hasEnded ? ended.exitCode() : null, ran, backToBackRestarts, restartAt,
                new PodDecisions.Image(pullPolicy(), image != null, freshPull, pull, pullFailedAt, pullRetryAt), changed,
                configError != null);
    }

    /** Its status in pod {@code podUid}: a run that began has an id of its own, as a CRI runtime gives each container. */
    ContainerStatus status(String podUid) {
        boolean ran = !state.is(ContainerState.Kind.WAITING) || lastState != null;
        String id = ran ? "podshim://" + runId(podUid, state.is(ContainerState.Kind.WAITING) ? restartCount - 1 : restartCount) : null;
        String imageID = image == null || !ran ? null : image.id().contains(":") ? image.id() : "sha256:" + image.id();
        return new ContainerStatus(spec.name(), spec.image(), init, spec.sidecar(), state, lastState, restartCount,
                ready(), startedUp(), process == null ? 0 : process.pid(), id, imageID);
    }

    private String runId(String podUid, int run) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((podUid + "/" + spec.name() + "/" + Math.max(0, run)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
