package io.podshim.runtime.pod;

import io.podshim.runtime.Futures;
import io.podshim.runtime.PodException;
import io.podshim.runtime.core.RuntimeCore;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.StoredImage;
import io.podshim.runtime.image.registry.ImagePuller;
import io.podshim.runtime.image.registry.ImagePulls;
import io.podshim.runtime.image.registry.PullSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Runs Kubernetes pods on this node: the public face of the pod lifecycle. Every pod lives on one
 * {@link Supervisor} thread; other threads see published {@link PodStatus} snapshots and can wait
 * for a status they expect. The engine is the parent of every pause and of every container's shim,
 * each shim the parent of its container ({@link io.podshim.runtime.container.ContainerProcess}).
 */
public final class PodEngine implements AutoCloseable {

    /**
     * @param stateDir sandboxes live in {@code <stateDir>/sandboxes}, helpers in {@code <stateDir>/bin}
     *     (root-owned, not world-writable)
     * @param logDir container logs: {@code <logDir>/<namespace>_<pod>_<uid>/<container>/<restart>.log}
     * @param podPidsLimit pids.max of each pod cgroup, or null
     * @param network where pods get their network: CNI, or none (their loopback only)
     */
    public record Config(Path stateDir, Path logDir, String cgroupRoot, Long podPidsLimit, BackoffPolicy backoff,
                         io.podshim.runtime.network.NetworkSettings network, Map<String, String> nodeLabels, Path volumeDir) {
        /**
         * @param nodeLabels besides the node's own (kubernetes.io/os, arch, hostname), what nodeSelector may match
         * @param volumeDir where the claims' volumes live, outliving pods and the state (null: {@code <stateDir>/volumes})
         */
        public Config {
            nodeLabels = NodeAdmission.nodeLabels(nodeLabels);
            volumeDir = volumeDir != null ? volumeDir : stateDir.resolve("volumes");
        }

        public Config(Path stateDir, Path logDir, String cgroupRoot, Long podPidsLimit, BackoffPolicy backoff,
                      io.podshim.runtime.network.NetworkSettings network, Map<String, String> nodeLabels) {
            this(stateDir, logDir, cgroupRoot, podPidsLimit, backoff, network, nodeLabels, null);
        }

        public Config(Path stateDir, Path logDir, String cgroupRoot, Long podPidsLimit, BackoffPolicy backoff,
                      io.podshim.runtime.network.NetworkSettings network) {
            this(stateDir, logDir, cgroupRoot, podPidsLimit, backoff, network, null);
        }

        /** Pods with their loopback only. */
        public Config(Path stateDir, Path logDir, String cgroupRoot, Long podPidsLimit, BackoffPolicy backoff) {
            this(stateDir, logDir, cgroupRoot, podPidsLimit, backoff, io.podshim.runtime.network.NetworkSettings.none());
        }
    }

    private record Watcher(String name, Predicate<PodStatus> condition, CompletableFuture<PodStatus> result) {}

    private final Config config;
    private final ImageStore images;
    private final ImagePulls pulls;
    private final RuntimeCore core;
    private final io.podshim.runtime.config.ApiObjects objects;
    private final io.podshim.runtime.config.ClaimVolumes claims;
    private final Evictions evictions;
    private final PodClaims podClaims;
    private final Supervisor supervisor = new Supervisor();
    /** Where sandboxes are made and removed, one thread each, so that a slow one holds up no other. */
    private final java.util.concurrent.ExecutorService sandboxWork = java.util.concurrent.Executors.newCachedThreadPool(work -> {
        Thread t = new Thread(work, "pod-sandbox");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, PodRun> pods = new LinkedHashMap<>();
    private final Map<String, PodStatus> published = new ConcurrentHashMap<>();
    private final List<Watcher> watchers = new ArrayList<>();
    /** Who follows every change of every pod (the watch API); supervisor thread only. */
    private final List<java.util.function.BiConsumer<String, PodStatus>> followers = new ArrayList<>();
    private String hostIP;
    private long hostIPAt;

    public PodEngine(Config config, ImageStore images) {
        this(config, images, PullSettings.node());
    }

    /** @param pullSettings where pulls on apply find credentials, CAs and registries.conf */
    public PodEngine(Config config, ImageStore images, PullSettings pullSettings) {
        this.config = config;
        this.images = images;
        this.pulls = new ImagePulls(new ImagePuller(images, images.stagingDir(), pullSettings));
        this.core = new RuntimeCore(config.stateDir(), config.cgroupRoot(), config.podPidsLimit(), config.network());
        this.objects = new io.podshim.runtime.config.ApiObjects(config.stateDir().resolve("objects"));
        this.claims = new io.podshim.runtime.config.ClaimVolumes(config.volumeDir());
        this.podClaims = new PodClaims(this, objects, claims);
        this.evictions = new Evictions(this, supervisor, sandboxWork);
        evictions.start();
        // What waits for an object, or is made of one, hears of its change on the supervisor.
        objects.listen(key -> supervisor.call(() -> {
            for (PodRun pod : List.copyOf(pods.values())) {
                if (PodConfig.uses(pod.manifest, key)) {
                    pod.objectsChanged();
                }
            }
            return null;
        }));
    }

    /**
     * Measures what has a size limit and evicts the pods over it now ({@link Evictions}); done once
     * that is over. Not on the supervisor thread.
     */
    CompletableFuture<Void> housekeeping() {
        return evictions.measure();
    }

    /** What {@link #recover} did: the pods taken over, by name, and the sandboxes removed, by uid, with why. */
    public record Recovery(List<String> adopted, Map<String, String> removed) {}

    /**
     * Takes over the pods an earlier engine on the same state directory left running (a daemon that
     * was killed): each whole pod, with a record and a live pause, is supervised again from where
     * it was. Whatever cannot be taken over is removed with its cgroups: a pod whose create was cut
     * short (no record), whose pause is gone, or the image of whose running container has left the store.
     */
    public Recovery recover() {
        List<String> adopted = new ArrayList<>();
        Map<String, String> removed = new LinkedHashMap<>();
        for (String uid : core.sandboxUids()) {
            String why = null;
            try {
                Optional<PodRecord> record = PodRecord.load(core.sandboxDirectory(uid));
                Optional<io.podshim.pause.PodSandbox> sandbox = core.findSandbox(uid);
                if (record.isEmpty()) {
                    why = "half-created: no pod record";
                } else if (sandbox.isEmpty()) {
                    why = "its pause is gone";
                } else {
                    // CHECK here, not on the supervisor: a plugin may take its time.
                    String networkProblem = null;
                    try {
                        core.checkNetwork(sandbox.get());
                    } catch (PodException e) {
                        networkProblem = e.getMessage();
                    }
                    String problem = networkProblem;
                    Futures.join(supervisor.call(() -> {
                        PodRun pod = PodRecovery.adopt(this, record.get(), sandbox.get(), problem);
                        pods.put(pod.manifest.name(), pod);
                        publish(pod);
                        return null;
                    }));
                    adopted.add(record.get().manifest().name());
                }
            } catch (RuntimeException e) {
                why = "it could not be taken over: " + e.getMessage();
            }
            if (why != null) {
                core.destroySandbox(uid);
                removed.put(uid, why);
            }
        }
        return new Recovery(adopted, removed);
    }

    /**
     * Starts {@code manifest}'s pod and returns its status once the first attempt at its sandbox is
     * over: made (a failure while making it rolls back whatever was made), then each container is
     * started once its image is there as its imagePullPolicy wants it, pulled if need be
     * ({@link ContainerImages}). A sandbox that failed for a reason of the node (a CNI plugin) leaves
     * the pod Pending and tried again; one that failed for the manifest's refuses the pod.
     */
    public PodStatus run(PodManifest manifest) {
        NodeAdmission.check(manifest, config.nodeLabels());
        podClaims.checkOwnership(manifest);
        return Futures.join(Futures.join(supervisor.call(() -> {
            if (pods.containsKey(manifest.name())) {
                throw PodException.conflict("metadata.name", "metadata.name: a pod named \"" + manifest.name() + "\" already runs here; delete it first");
            }
            // Listed at once, ContainerCreating, as Kubernetes shows a pod whose sandbox is being made.
            PodRun pod = new PodRun(this, manifest);
            pods.put(manifest.name(), pod);
            try {
                return pod.create();
            } catch (RuntimeException e) {
                forget(pod);
                throw e;
            }
        })));
    }

    /** What {@link #apply} did: created, configured or unchanged, as kubectl apply says it. */
    public record Applied(String action, PodStatus status) {}

    /**
     * Creates {@code manifest}'s pod, or updates the pod of that name as Kubernetes allows a pod to
     * be updated ({@link PodUpdate}): a changed image replaces that container alone; anything the
     * API server forbids is refused and the pod is left as it was.
     */
    public Applied apply(PodManifest manifest) {
        Applied updated = Futures.join(supervisor.call(() -> {
            PodRun pod = pods.get(manifest.name());
            if (pod == null) {
                return null;
            }
            if (pod.lifecycle == PodLifecycle.TERMINATING) {
                throw PodException.conflict("metadata.name", "pod " + manifest.name() + " is being deleted: apply it again once it is gone");
            }
            PodUpdate update = PodUpdate.of(pod.manifest, manifest);
            if (update.changed()) {
                pod.update(update);
            }
            return new Applied(update.changed() ? "configured" : "unchanged", pod.status());
        }));
        return updated != null ? updated : new Applied("created", run(manifest));
    }

    /** What {@link #applyObject} did to one object of a manifest: its kind, name and kubectl's word for it. */
    public record AppliedObject(String kind, String name, String action) {}

    /**
     * Applies one document of a manifest: a Pod as {@link #apply}; a ConfigMap, Secret or
     * PersistentVolumeClaim into the node's store (a claim's volume is made with it), whereupon
     * every pod that waits for it or has a volume of it is told.
     */
    public AppliedObject applyObject(ObjectReader.Document document) {
        if (document.pod() != null) {
            Applied applied = apply(document.pod());
            return new AppliedObject("Pod", applied.status().name(), applied.action());
        }
        if (document.kind().equals("PersistentVolumeClaim")) {
            claims.ensure(document.namespace(), document.name());
        }
        return new AppliedObject(document.kind(), document.name(), objects.apply(document.object()));
    }

    /** The ConfigMaps, Secrets or PersistentVolumeClaims ({@code kind}) of {@code namespace}, or of all (null). */
    public List<com.fasterxml.jackson.databind.node.ObjectNode> objects(String kind, String namespace) {
        return objects.list(kind, namespace);
    }

    public Optional<com.fasterxml.jackson.databind.node.ObjectNode> object(String kind, String namespace, String name) {
        return objects.get(new io.podshim.runtime.config.ApiObjects.Key(kind, namespace, name));
    }

    /**
     * Deletes a ConfigMap or Secret (its pods keep what their volumes hold, as in Kubernetes), or a
     * PersistentVolumeClaim with its volume, refused while a pod that is not done uses it.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode deleteObject(String kind, String namespace, String name) {
        io.podshim.runtime.config.ApiObjects.Key key = new io.podshim.runtime.config.ApiObjects.Key(kind, namespace, name);
        if (!kind.equals("PersistentVolumeClaim")) {
            return objects.delete(key);
        }
        return Futures.join(supervisor.call(() -> {
            podClaims.refuseIfClaimed(namespace, name, "persistentvolumeclaim");
            com.fasterxml.jackson.databind.node.ObjectNode gone = objects.delete(key);
            claims.remove(namespace, name);
            return gone;
        }));
    }

    /** The claims' volumes of this node, with the pods that use each. */
    public record VolumeInfo(String namespace, String name, Path path, List<String> usedBy) {}

    public List<VolumeInfo> volumes() {
        return Futures.join(supervisor.call(() -> claims.list().stream().map(v -> new VolumeInfo(v.namespace(), v.name(), v.path(),
                podClaims.claimants(v.namespace(), v.name()))).toList()));
    }

    /** Removes the volume of claim {@code name} (and the claim, if it was applied), unless a pod uses it. */
    public void removeVolume(String namespace, String name) {
        Futures.join(supervisor.call(() -> {
            if (!claims.exists(namespace, name)) {
                throw PodException.notFound("volume \"" + name + "\" not found in namespace \"" + namespace
                        + "\": podshim volume ls lists the volumes there are");
            }
            podClaims.refuseIfClaimed(namespace, name, "volume");
            io.podshim.runtime.config.ApiObjects.Key key = new io.podshim.runtime.config.ApiObjects.Key("PersistentVolumeClaim",
                    namespace, name);
            if (objects.get(key).isPresent()) {
                objects.delete(key);
            }
            claims.remove(namespace, name);
            return null;
        }));
    }

    /** The directory of each claim volume of {@code manifest}, by volume name ({@link PodClaims#paths}). */
    Map<String, Path> claimPaths(PodManifest manifest) {
        return podClaims.paths(manifest);
    }

    io.podshim.runtime.config.ApiObjects objects() {
        return objects;
    }

    /** The node's name and labels, as nodeSelector sees them. */
    public Map<String, String> nodeLabels() {
        return config.nodeLabels();
    }

    /** Imports {@code source} (a path on this node) into the store as {@code name}, or as the archive names it (null). */
    public StoredImage importImage(Path source, String name) {
        if (!java.nio.file.Files.exists(source)) {
            throw PodException.invalid("image import: " + source + " does not exist on this node: give an OCI layout directory,"
                    + " an OCI or docker save archive, or a rootfs directory");
        }
        return images.importImage(source, name, io.podshim.runtime.image.ImportProgress.NONE);
    }

    /** The images in the store, by name, as {@code image ls} shows them. */
    public List<io.podshim.runtime.image.ImageInfo> images() {
        return images.names().stream().map(images::info).flatMap(Optional::stream).toList();
    }

    /**
     * Removes image {@code name} from the store, unless a pod here uses it (as podman refuses to
     * remove an image a container uses): its containers could not restart without it.
     */
    public StoredImage removeImage(String name) {
        StoredImage image = images.find(name).orElseThrow(() -> PodException.notFound("image \"" + name + "\" not found: "
                + "podshim image ls lists the images there are"));
        return Futures.join(supervisor.call(() -> {
            for (PodRun pod : pods.values()) {
                if (pod.usesImage(image.id())) {
                    throw PodException.conflict(null, "image " + image.name() + " is in use by pod " + pod.manifest.name()
                            + ": delete the pod first");
                }
            }
            return images.remove(name);
        }));
    }

    /** The manifest pod {@code name} runs from. */
    public Optional<PodManifest> manifest(String name) {
        return Futures.join(supervisor.call(() -> Optional.ofNullable(pods.get(name)).map(p -> p.manifest)));
    }

    public Optional<PodStatus> status(String name) {
        return Optional.ofNullable(published.get(name));
    }

    public List<PodStatus> list() {
        return published.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    /**
     * What each container of pod {@code name} that has a cgroup uses now, in spec order; empty for a
     * pod that is not there. The cgroups are found on the supervisor thread and read off it.
     */
    public List<ContainerUsage> usage(String name) {
        record Cgroup(io.podshim.cgroups.CgroupPath path, io.podshim.cgroups.ContainerResources resources) {}
        List<Cgroup> cgroups = Futures.join(supervisor.call(() -> {
            PodRun pod = pods.get(name);
            return pod == null ? List.<Cgroup>of() : pod.containers.stream().filter(c -> c.cgroup != null)
                    .map(c -> new Cgroup(c.cgroup, PodRun.resourcesOf(c))).toList();
        }));
        List<ContainerUsage> usage = new java.util.ArrayList<>();
        for (Cgroup c : cgroups) {
            io.podshim.cgroups.CgroupStats stats;
            try {
                stats = core.cgroupManager().stats(c.path());
            } catch (RuntimeException gone) {
                continue; // removed meanwhile: the pod is being deleted
            }
            io.podshim.cgroups.ContainerResources r = c.resources();
            usage.add(new ContainerUsage(r.name(), stats.memoryUsageBytes(), stats.cpuUsageNanos(), stats.pidsCurrent(),
                    r.memoryLimitBytes(), r.cpuLimitMilli()));
        }
        return usage;
    }

    /** Completes with the first status of pod {@code name} that meets {@code condition}. */
    public CompletableFuture<PodStatus> await(String name, Predicate<PodStatus> condition) {
        CompletableFuture<PodStatus> result = new CompletableFuture<>();
        supervisor.call(() -> {
            PodStatus now = published.get(name);
            if (now != null && condition.test(now)) {
                result.complete(now);
            } else {
                watchers.add(new Watcher(name, condition, result));
            }
            return null;
        });
        return result;
    }

    /**
     * Stops pod {@code name} (SIGTERM, SIGKILL after {@code grace}, sidecars last) and removes it;
     * a null grace means the pod's own terminationGracePeriodSeconds.
     */
    public CompletableFuture<PodStatus> delete(String name, Duration grace) {
        return supervisor.call(() -> {
            PodRun pod = pods.get(name);
            if (pod == null) {
                throw PodException.notFound("pod \"" + name + "\" not found");
            }
            pod.delete(grace != null ? grace : Duration.ofSeconds(pod.manifest.spec().terminationGracePeriodSeconds()));
            return pod.removed();
        }).thenCompose(f -> f);
    }

    /**
     * Follows every pod, as Kubernetes' watch does: {@code change} gets ADDED for each pod there is
     * now, then ADDED, MODIFIED and DELETED with each pod's new status as they happen, in order, on
     * the supervisor thread (it must not block) until the returned handle is closed.
     */
    public AutoCloseable follow(java.util.function.BiConsumer<String, PodStatus> change) {
        Futures.join(supervisor.call(() -> {
            list().forEach(p -> change.accept("ADDED", p));
            followers.add(change);
            return null;
        }));
        return () -> supervisor.call(() -> followers.remove(change));
    }

    private void tell(String type, PodStatus status) {
        for (var f : List.copyOf(followers)) {
            try {
                f.accept(type, status);
            } catch (RuntimeException e) {
                followers.remove(f); // a follower that fails is let go; the pods go on
            }
        }
    }

    // --- for PodRun, on the supervisor thread ---

    void publish(PodRun pod) {
        PodStatus status = pod.status();
        // A pod that was deleted (forgotten) must not come back through a late publish.
        if (pods.get(pod.manifest.name()) == pod) {
            PodStatus before = published.put(pod.manifest.name(), status);
            if (!status.equals(before)) {
                tell(before == null ? "ADDED" : "MODIFIED", status);
            }
        }
        try {
            pod.save();
        } catch (RuntimeException e) {
            System.err.println("podshim: pod " + pod.manifest.name() + ": " + e.getMessage()
                    + " (a restarted daemon could not take this pod over)");
        }
        watchers.removeIf(w -> w.name().equals(status.name()) && w.condition().test(status) && w.result().complete(status));
    }

    /** A deleted pod goes, and with it its log directory, as kubelet removes it with the pod (once the last lines are in). */
    void forget(PodRun pod) {
        pods.remove(pod.manifest.name(), pod);
        podClaims.removeEphemeral(pod.manifest);
        PodStatus last = published.remove(pod.manifest.name());
        if (last != null) {
            tell("DELETED", last);
        }
        Path dir = logDir(pod.manifest.namespace(), pod.manifest.name(), pod.manifest.uid());
        CompletableFuture.allOf(pod.containers.stream().map(c -> c.logsWritten).toArray(CompletableFuture[]::new))
                .whenComplete((ok, failed) -> {
                    try {
                        io.podshim.runtime.FileTrees.delete(dir);
                    } catch (java.io.IOException e) {
                        System.err.println("podshim: remove the logs of pod " + pod.manifest.name() + ": " + dir + ": " + e);
                    }
                });
    }

    /** Every pod there is; supervisor thread only. */
    java.util.Collection<PodRun> podRuns() {
        return pods.values();
    }

    /** The runtime core this engine is a front door of. */
    RuntimeCore core() {
        return core;
    }

    Supervisor supervisor() {
        return supervisor;
    }

    /**
     * Runs {@code work} on a thread of its own, then {@code then} with its result or failure on the
     * supervisor thread: what may block for long (a CNI plugin, a pause that takes its time to die)
     * must not hold up every other pod.
     */
    <T> void offSupervisor(java.util.concurrent.Callable<T> work, java.util.function.BiConsumer<T, Throwable> then) {
        CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, sandboxWork).whenComplete((result, failure) -> supervisor.call(() -> {
            then.accept(result, failure == null ? null : Futures.cause(failure));
            return null;
        }));
    }

    ImagePulls pulls() {
        return pulls;
    }

    /**
     * The node's address, looked at once a second at most (it is in every status published); while
     * there is none, at every call: the first pod's bridge may be what gives the node one.
     */
    String hostIP() {
        long now = System.nanoTime();
        if (hostIP == null || now - hostIPAt > 1_000_000_000L) {
            hostIP = core.hostIP();
            hostIPAt = now;
        }
        return hostIP;
    }

    Optional<StoredImage> findImage(String name) {
        return images.find(name);
    }

    BackoffPolicy backoff() {
        return config.backoff();
    }

    Path logFile(PodManifest pod, String container, int restart) {
        return logDir(pod.namespace(), pod.name(), pod.uid()).resolve(container).resolve(restart + ".log");
    }

    /** {@code <logDir>/<namespace>_<pod>_<uid>}, as kubelet names a pod's log directory. */
    private Path logDir(String namespace, String pod, String uid) {
        return config.logDir().resolve(namespace + "_" + pod + "_" + uid);
    }

    /**
     * Waits (at most {@code timeout}) until the output of {@code container}'s current run has reached
     * its log file: an exit is seen before the pump has copied the last lines from the pipe, and a
     * child that kept the pipe open could hold it for good, hence the bound.
     */
    public void awaitLogs(String pod, String container, Duration timeout) {
        try {
            Futures.join(supervisor.call(() -> {
                PodRun run = pods.get(pod);
                return run == null ? CompletableFuture.<Void>completedFuture(null) : run.logsWritten(container);
            })).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // still being written (a running container, or a child holding the pipe): show what is there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code argv} inside the running container {@code container} of pod {@code pod}
     * ({@code kubectl exec}, not interactive).
     */
    public io.podshim.runtime.container.ContainerExec.Result exec(String pod, String container, List<String> argv) {
        return exec(pod, container, argv, null);
    }

    /** {@link #exec} with {@code stdin} (or null for none) as the command's standard input. */
    public io.podshim.runtime.container.ContainerExec.Result exec(String pod, String container, List<String> argv, byte[] stdin) {
        ExecTarget target = execTarget(pod, container);
        try (io.podshim.linux.PidFd pidFd = target.pidFd()) {
            return core.exec(pidFd, target.plan(), argv, stdin);
        }
    }

    /**
     * Starts {@code argv} in the running container {@code container} of pod {@code pod} with its
     * streams open to the caller ({@code kubectl exec -i}, {@code -t}): a terminal of the
     * container's sized {@code columns} x {@code rows}, or pipes.
     */
    public io.podshim.runtime.container.ExecSession execSession(String pod, String container, List<String> argv, boolean stdin,
                                                                boolean terminal, int columns, int rows) {
        ExecTarget target = execTarget(pod, container);
        try (io.podshim.linux.PidFd pidFd = target.pidFd()) {
            return core.execSession(pidFd, target.plan(), argv, stdin, terminal, columns, rows);
        }
    }

    /**
     * A connection to {@code port} on pod {@code pod}'s loopback, made inside its network namespace
     * ({@code kubectl port-forward}); a hostNetwork pod's is the node's.
     */
    public io.podshim.linux.TcpSocket connect(String pod, int port) {
        io.podshim.linux.PidFd pause = Futures.join(supervisor.call(() -> {
            PodRun run = podRun(pod);
            if (run.sandbox == null || run.lifecycle == PodLifecycle.DONE) {
                throw PodException.conflict(null, "pod " + pod + " has no sandbox (" + run.status().display()
                        + "): nothing to forward to");
            }
            return io.podshim.linux.PidFd.open(run.sandbox.pausePid());
        }));
        try (pause) {
            return core.connectInPod(pause, port, Duration.ofSeconds(10));
        }
    }

    /**
     * Adds the ephemeral container {@code yaml} (an EphemeralContainer) to the running pod
     * {@code pod} ({@code kubectl debug}): it starts at once, is never restarted and goes with the pod.
     */
    public PodStatus addEphemeralContainer(String pod, String yaml) {
        return Futures.join(supervisor.call(() -> {
            PodRun run = podRun(pod);
            ManifestReader.Ephemeral added = ManifestReader.ephemeralContainer(yaml, run.manifest);
            run.addEphemeral(added.container(), added.targetContainerName());
            return run.status();
        }));
    }

    /**
     * What an attach to a running container holds, as {@code kubectl attach} reaches it: its own
     * copies of the container's standard input (null unless wanted and the container has one) and
     * terminal master (null without {@code tty}), the run's output {@link io.podshim.runtime.logs.Taps},
     * the end of the run's output, and what to call once the client has gone.
     */
    public record Attached(io.podshim.linux.Fd stdin, io.podshim.linux.Fd terminal, io.podshim.runtime.logs.Taps taps,
                           CompletableFuture<Void> ended, Runnable detached) {}

    /** Attaches to the running container {@code container} of pod {@code pod}; {@code stdin}: the client will write to it. */
    public Attached attach(String pod, String container, boolean stdin) {
        return Futures.join(supervisor.call(() -> {
            PodRun run = podRun(pod);
            ContainerRun c = runningContainer(run, container, "attach to");
            if (stdin && !c.spec.stdin()) {
                throw PodException.invalid("container " + container + " of pod " + pod + " was not started with stdin: true:"
                        + " attach without -i, or set stdin in its spec");
            }
            if (stdin && c.stdin == null) {
                throw PodException.conflict(null, "the standard input of container " + container + " of pod " + pod + " is closed"
                        + (c.spec.stdinOnce() ? " (stdinOnce: its first attach has ended)" : " (the daemon restarted)"));
            }
            io.podshim.linux.Fd in = stdin ? c.stdin.dupAtLeast(0) : null;
            io.podshim.linux.Fd tty = c.terminal == null ? null : c.terminal.dupAtLeast(0);
            io.podshim.linux.Fd held = c.stdin;
            Runnable detached = () -> supervisor.call(() -> {
                // stdinOnce: the first attach that had stdin ends it, for good (the shim keeps no copy).
                if (stdin && c.spec.stdinOnce() && c.stdin == held && held != null && !c.attachedOnce) {
                    c.attachedOnce = true;
                    if (c.stdin != c.terminal) {
                        c.stdin.close();
                    }
                    c.stdin = null;
                }
                return null;
            });
            return new Attached(in, tty, c.taps, c.logsWritten, detached);
        }));
    }

    /** Supervisor thread only: pod {@code name}, or NOT_FOUND. */
    private PodRun podRun(String name) {
        PodRun run = pods.get(name);
        if (run == null) {
            throw PodException.notFound("pod \"" + name + "\" not found");
        }
        return run;
    }

    /** Supervisor thread only: {@code run}'s container {@code name} if it runs; else why there is nothing to {@code doWith}. */
    private static ContainerRun runningContainer(PodRun run, String name, String doWith) {
        String pod = run.manifest.name();
        ContainerRun c = run.container(name).orElseThrow(() ->
                PodException.notFound("pod " + pod + " has no container \"" + name + "\""));
        if (!c.running()) {
            throw PodException.conflict(null, "container " + name + " of pod " + pod + " is not running (" + c.state.kind()
                    .name().toLowerCase() + "): nothing to " + doWith);
        }
        return c;
    }

    private record ExecTarget(io.podshim.linux.PidFd pidFd, io.podshim.runtime.container.LaunchPlan plan) {}

    private ExecTarget execTarget(String pod, String container) {
        return Futures.join(supervisor.call(() -> {
            PodRun run = podRun(pod);
            ContainerRun c = runningContainer(run, container, "exec into");
            // A pidfd of our own: the container's may be closed at any moment if it exits. It is
            // safe against pid reuse, as the container's shim has not reaped it yet.
            return new ExecTarget(io.podshim.linux.PidFd.open(c.process.pid()), c.plan);
        }));
    }

    /** The log files of a container, oldest run first. */
    public List<Path> logFiles(String podName, String container) {
        PodStatus status = published.get(podName);
        if (status == null) {
            return List.of();
        }
        Path dir = logDir(status.namespace(), status.name(), status.uid()).resolve(container);
        List<Path> files = new ArrayList<>();
        for (int restart = 0; java.nio.file.Files.exists(dir.resolve(restart + ".log")); restart++) {
            files.add(dir.resolve(restart + ".log"));
        }
        return files;
    }

    /** Deletes every pod (grace {@code grace}, null: each pod's own), then stops the supervisor and the log pump. */
    public void close(Duration grace) {
        List<String> names = Futures.join(supervisor.call(() -> new ArrayList<>(pods.keySet())));
        List<CompletableFuture<PodStatus>> gone = names.stream().map(n -> delete(n, grace)).toList();
        CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        supervisor.close();
        sandboxWork.shutdown();
        pulls.close();
        core.close();
    }

    @Override
    public void close() {
        close(null);
    }
}
