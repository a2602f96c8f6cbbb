package io.podshim.runtime.cri;

import io.podshim.cgroups.CgroupLimits;
import io.podshim.cgroups.CgroupPath;
import io.podshim.cgroups.ContainerResources;
import io.podshim.cri.v1.ContainerConfig;
import io.podshim.cri.v1.ContainerEventResponse;
import io.podshim.cri.v1.ContainerEventType;
import io.podshim.cri.v1.ContainerState;
import io.podshim.cri.v1.LinuxContainerResources;
import io.podshim.cri.v1.NamespaceMode;
import io.podshim.cri.v1.NamespaceOption;
import io.podshim.cri.v1.PodSandboxConfig;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.Pipe;
import io.podshim.linux.Shim;
import io.podshim.linux.Stdio;
import io.podshim.pause.SandboxSpec;
import io.podshim.runtime.FileTrees;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.ContainerExec;
import io.podshim.runtime.container.LaunchPlan;
import io.podshim.runtime.container.Launched;
import io.podshim.runtime.container.PodDns;
import io.podshim.runtime.container.PodFiles;
import io.podshim.runtime.container.PodHostname;
import io.podshim.runtime.container.Termination;
import io.podshim.runtime.core.PodSandboxHandle;
import io.podshim.runtime.core.RuntimeCore;
import io.podshim.runtime.image.StoredImage;
import io.podshim.runtime.logs.CriLogFile;
import io.podshim.runtime.network.NetworkSettings;
import io.podshim.runtime.network.PortMapping;
import io.podshim.runtime.pod.Supervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jnr.constants.platform.Signal;

/**
 * The CRI's front door to the runtime core: sandboxes and containers as kubelet asks for them, and
 * nothing decided here. Kubelet decides what runs when, restarts, init order and probes; this class
 * makes, starts, stops and removes, and says how each container ended. Stop and remove are
 * idempotent, as kubelet retries them. Its sandboxes live under a state directory of their own, so
 * the pod engine's recovery never takes them for its own half-made pods.
 */
public final class CriRuntime implements AutoCloseable {
    /** How long a stop waits for the last of a container's output to reach its log before saying it ended. */
    private static final Duration LOG_DRAIN = Duration.ofSeconds(2);

    private final RuntimeCore core;
    private final CriImages images;
    private final String cgroupRoot;
    private final CriRecords records;
    private final Supervisor supervisor = new Supervisor("cri-supervisor");
    private final Map<String, CriSandbox> sandboxes = new LinkedHashMap<>();
    private final Map<String, CriContainer> containers = new LinkedHashMap<>();
    /** Who follows the containers' events (GetContainerEvents streams). */
    private final List<java.util.function.Consumer<ContainerEventResponse>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Events are told in order, by one thread that holds no lock of a container or sandbox while it builds them. */
    private final java.util.concurrent.ExecutorService events = java.util.concurrent.Executors.newSingleThreadExecutor(work -> {
        Thread t = new Thread(work, "cri-events");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param stateDir the CRI's own: its sandboxes, helpers and records
     * @param cgroupRoot podshim's cgroup; a sandbox without cgroup_parent is made below {@code <cgroupRoot>/cri}
     */
    public CriRuntime(Path stateDir, String cgroupRoot, NetworkSettings network, CriImages images) {
        this.core = new RuntimeCore(stateDir, cgroupRoot, null, network);
        this.images = images;
        this.cgroupRoot = cgroupRoot;
        this.records = new CriRecords(stateDir.resolve("records"));
        recover();
    }

    public CriImages images() {
        return images;
    }

    RuntimeCore core() {
        return core;
    }

    // ---- sandboxes ----

    /** Makes the sandbox {@code config} asks for, whole or not at all; returns its id. */
    public String runSandbox(PodSandboxConfig config) {
        var meta = config.getMetadata();
        for (String[] f : new String[][] {{"name", meta.getName()}, {"uid", meta.getUid()}, {"namespace", meta.getNamespace()}}) {
            if (f[1].isEmpty()) {
                throw PodException.invalid("config.metadata." + f[0], "required");
            }
        }
        String id = CriIds.next();
        CgroupPath cgroup = sandboxCgroup(config.getLinux().getCgroupParent(), id);
        CriSandbox sandbox = new CriSandbox(id, config, nowNanos(), cgroup);
        synchronized (this) {
            for (CriSandbox other : sandboxes.values()) {
                if (other.config.getMetadata().equals(meta)) {
                    throw PodException.conflict("config.metadata", "the sandbox name " + reservedName(meta) + " is reserved for "
                            + other.id + ": remove it first, or give another attempt");
                }
            }
            sandboxes.put(id, sandbox); // listed at once: a Remove while it is made waits on it, below
        }
        synchronized (sandbox) {
            try {
                records.save(sandbox); // before anything is made: a daemon that dies now finds what to remove
                NamespaceOption ns = config.getLinux().getSecurityContext().getNamespaceOptions();
                boolean hostNetwork = ns.getNetwork() == NamespaceMode.NODE;
                SandboxSpec spec = SandboxSpec.of(specName(meta.getName()), id).withHostNetwork(hostNetwork)
                        .withHostIPC(ns.getIpc() == NamespaceMode.NODE).withHostPID(ns.getPid() == NamespaceMode.NODE);
                String hostname = config.getHostname().isEmpty() ? nodeHostname(spec.podName()) : config.getHostname();
                if (!hostNetwork) {
                    spec = spec.withHostname(hostname);
                }
                PodSandboxHandle handle = core.createSandbox(spec, cgroup, CriLimits.of(config.getLinux().getResources(),
                        "config.linux.resources"), meta.getNamespace(), ports(config));
                try {
                    core.setSysctls(handle, config.getLinux().getSysctlsMap());
                    PodFiles.of(handle.sandbox(), new PodHostname(hostname, null, false), handle.network().podIP(), List.of(),
                            dns(config));
                } catch (RuntimeException e) {
                    core.destroySandbox(handle);
                    throw e;
                }
                sandbox.handle = handle;
                sandbox.ip = handle.network().podIP();
                records.save(sandbox);
                return id;
            } catch (RuntimeException e) {
                synchronized (this) {
                    sandboxes.remove(id);
                }
                records.forgetSandbox(id);
                throw e;
            }
        }
    }

    /** Stops every container of the sandbox (SIGKILL: kubelet stopped them with their grace first), its network and pause. */
    public void stopSandbox(String id) {
        Optional<CriSandbox> found = findSandbox(id);
        if (found.isEmpty()) {
            return; // kubelet retries a stop: one already removed is stopped
        }
        CriSandbox sandbox = found.get();
        synchronized (sandbox) {
            for (CriContainer c : containersOf(sandbox)) {
                stopContainer(c, Duration.ZERO);
            }
            if (sandbox.handle != null) {
                List<String> problems = core.destroySandbox(sandbox.handle);
                sandbox.handle = null;
                records.save(sandbox);
                if (!problems.isEmpty()) {
                    throw new PodException("stop sandbox " + id + ": " + String.join("; ", problems));
                }
            }
        }
    }

    /** Stops the sandbox if it runs, and removes it with every container of its. */
    public void removeSandbox(String id) {
        Optional<CriSandbox> found = findSandbox(id);
        if (found.isEmpty()) {
            return;
        }
        CriSandbox sandbox = found.get();
        stopSandbox(sandbox.id);
        synchronized (sandbox) {
            for (CriContainer c : containersOf(sandbox)) {
                removeContainer(c.id);
            }
            synchronized (this) {
                sandboxes.remove(sandbox.id);
            }
            records.forgetSandbox(sandbox.id);
            if (sandbox.config.getLinux().getCgroupParent().isEmpty()) {
                core.cgroupManager().removeIfEmpty(defaultParent());
            }
        }
    }

    public synchronized Optional<CriSandbox> findSandbox(String id) {
        return CriIds.find(sandboxes, id, "pod sandbox");
    }

    public synchronized CriSandbox sandbox(String id) {
        return CriIds.require(sandboxes, id, "pod sandbox");
    }

    public synchronized List<CriSandbox> sandboxes() {
        return List.copyOf(sandboxes.values());
    }

    public synchronized List<CriContainer> containersOf(CriSandbox sandbox) {
        return containers.values().stream().filter(c -> c.sandbox == sandbox).toList();
    }

    // ---- containers ----

    /** Makes a container in sandbox {@code sandboxId} from {@code config}: its cgroup and plan, nothing started. */
    public String createContainer(String sandboxId, ContainerConfig config) {
        if (config.getMetadata().getName().isEmpty()) {
            throw PodException.invalid("config.metadata.name", "required");
        }
        CriSandbox sandbox = sandbox(sandboxId);
        StoredImage image = images.find(config.getImage().getImage()).orElseThrow(() -> PodException.notFound("image \""
                + config.getImage().getImage() + "\" not found: pull it first (crictl pull)"));
        String id = CriIds.next();
        synchronized (sandbox) {
            if (!sandbox.ready()) {
                throw PodException.conflict("pod_sandbox_id", "pod sandbox " + sandbox.id + " is not ready: run a new one");
            }
            synchronized (this) {
                for (CriContainer other : containers.values()) {
                    if (other.sandbox == sandbox && other.config.getMetadata().equals(config.getMetadata())) {
                        throw PodException.conflict("config.metadata", "the container name " + config.getMetadata().getName()
                                + " (attempt " + config.getMetadata().getAttempt() + ") is reserved for " + other.id
                                + " in this sandbox: remove it first, or give another attempt");
                    }
                }
            }
            CgroupLimits limits = CriLimits.of(config.getLinux().getResources(), "config.linux.resources");
            CgroupPath cgroup = core.createContainerCgroup(sandbox.handle, new ContainerResources(id, ContainerResources.Kind.APP,
                    limits.cpuRequestMilli(), limits.cpuLimitMilli(), null, limits.memoryLimitBytes()));
            try {
                LaunchPlan plan = plan(sandbox, id, config, image, cgroup);
                String logDir = sandbox.config.getLogDirectory();
                Path log = !logDir.isEmpty() && !config.getLogPath().isEmpty() ? Path.of(logDir).resolve(config.getLogPath())
                        : sandbox.handle.sandbox().directory().resolve("containers").resolve(id + ".log");
                CriContainer c = new CriContainer(id, sandbox, config, image, nowNanos(), cgroup, log, plan.bundle(), plan);
                synchronized (c) {
                    records.save(c);
                }
                synchronized (this) {
                    containers.put(id, c);
                }
                emit(c, ContainerEventType.CONTAINER_CREATED_EVENT);
                return id;
            } catch (RuntimeException e) {
                core.cgroupManager().remove(cgroup, Duration.ofSeconds(5));
                throw e;
            }
        }
    }

    private LaunchPlan plan(CriSandbox sandbox, String id, ContainerConfig config, StoredImage image, CgroupPath cgroup) {
        return CriContainerPlan.of(sandbox, id, config, image, core.cgroupManager(), cgroup, PodFiles.of(sandbox.handle.sandbox()));
    }

    /** Starts a created container; a start that fails leaves it EXITED (StartError, 128) and says why. */
    public void startContainer(String id) {
        CriContainer c = container(id);
        synchronized (c) {
            if (c.state != ContainerState.CONTAINER_CREATED) {
                throw PodException.conflict("container_id", "container " + c.id + " is " + c.state + ": only a created one starts;"
                        + " kubelet makes a new container to run again");
            }
            boolean tty = c.config.getTty();
            Pipe out = Pipe.open();
            Pipe err = Pipe.open();
            Pipe in = c.config.getStdin() && !tty ? Pipe.open() : null;
            try {
                LaunchPlan plan = c.plan.withStdio(Stdio.of(out.writeEnd()), Stdio.of(err.writeEnd()),
                        in == null ? Stdio.devNull() : Stdio.of(in.readEnd()));
                c.oomKillsBefore = core.oomKills(c.cgroup);
                // The shim keeps the log pipes' read ends, so the container never writes to a pipe without
                // a reader if this daemon dies; a daemon started again takes them back (recover).
                Launched launched = core.startContainer(plan, tty ? List.of() : List.of(out.readEnd(), err.readEnd()));
                out.writeEnd().close();
                err.writeEnd().close();
                c.log = new CriLogFile(c.logPath);
                if (launched.terminalMaster().isPresent()) {
                    Fd master = launched.terminalMaster().get();
                    c.logsWritten = core.attachTerminalLog(master.dupAtLeast(0), c.log, c.taps);
                    c.terminal = master;
                    c.stdin = c.config.getStdin() ? master : null;
                } else {
                    c.logsWritten = core.attachLogs(out.readEnd().dupAtLeast(0), err.readEnd().dupAtLeast(0), c.log, c.taps);
                }
                if (in != null) {
                    in.readEnd().close();
                    c.stdin = in.writeEnd().dupAtLeast(0);
                }
                if (launched.failure().isPresent()) {
                    ended(c, Termination.startError(launched.failure().get()), nowNanos());
                    throw new PodException("start container " + c.id + ": " + launched.failure().get().message());
                }
                c.process = launched.running().orElseThrow();
                long score = c.config.getLinux().getResources().getOomScoreAdj();
                if (score != 0) {
                    int own = io.podshim.linux.Procfs.oomScoreAdj(ProcessHandle.current().pid()).orElse(0);
                    try {
                        io.podshim.linux.Procfs.setOomScoreAdj(c.process.pid(), CriLimits.oomScoreAdj(c.config.getLinux().getResources(), own));
                    } catch (IllegalStateException e) {
                        // it has ended already (its end is watched below), or the kernel refused: the score is a hint
                        System.err.println("podshim: CRI: container " + c.id + ": " + e.getMessage());
                    }
                }
                c.startedAtNanos = nowNanos();
                c.state = ContainerState.CONTAINER_RUNNING;
                records.save(c);
                emit(c, ContainerEventType.CONTAINER_STARTED_EVENT);
                watch(c);
            } catch (RuntimeException e) {
                if (c.state == ContainerState.CONTAINER_CREATED) {
                    ended(c, new Termination("StartError", 128, e.getMessage()), nowNanos());
                }
                throw e;
            } finally {
                out.close();
                err.close();
                if (in != null) {
                    in.close();
                }
            }
        }
    }

    private void watch(CriContainer c) {
        supervisor.call(() -> {
            supervisor.watch(c.process.exitFd(), () -> shimExited(c));
            return null;
        });
    }

    /** The container's shim ended: how the container did, once its last output is in its log. Supervisor thread. */
    private void shimExited(CriContainer c) {
        supervisor.forget(c.process.exitFd());
        Optional<Shim.ExitRecord> record = c.process.awaitRecord();
        Termination t;
        long finished;
        if (record.isPresent()) {
            ExitStatus status = record.get().status();
            t = core.termination(status, c.cgroup, c.oomKillsBefore);
            finished = toNanos(record.get().finishedAt());
        } else {
            c.process.signal(Signal.SIGKILL); // its shim was killed: the container must not run on unsupervised
            t = new Termination("Unknown", 137, "the container's shim ended without recording how the container ended");
            finished = nowNanos();
        }
        // Its first process is gone: so is everything it left in its cgroup (in the pod's pid namespace
        // they would live on under the pause), as runc kills a task's processes when it is deleted. Their
        // hold on the log pipes goes with them.
        try {
            core.cgroupManager().killAll(c.cgroup, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            System.err.println("podshim: CRI: container " + c.id + ": kill what it left: " + e.getMessage());
        }
        c.logsWritten.completeOnTimeout(null, LOG_DRAIN.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> {
                    synchronized (c) {
                        ended(c, t, Math.max(finished, c.startedAtNanos));
                    }
                });
    }

    /** Records how {@code c} ended and lets go of what its run held. Under {@code c}'s lock. */
    private void ended(CriContainer c, Termination t, long finishedAtNanos) {
        c.exitCode = t.exitCode();
        c.reason = t.reason();
        c.message = t.message() == null ? "" : t.message();
        c.finishedAtNanos = finishedAtNanos;
        c.state = ContainerState.CONTAINER_EXITED;
        if (c.process != null) {
            c.process.close();
            c.process = null;
        }
        if (c.stdin != null && c.stdin != c.terminal) {
            c.stdin.close();
        }
        if (c.terminal != null) {
            c.terminal.close();
        }
        c.stdin = null;
        c.terminal = null;
        try {
            records.save(c);
        } catch (PodException e) {
            System.err.println("podshim: CRI: " + e.getMessage()); // a full disk: the end is known here, if not after a restart
        }
        c.ended.complete(null);
        emit(c, ContainerEventType.CONTAINER_STOPPED_EVENT);
    }

    /** Sends the image's stop signal (SIGTERM without one), SIGKILL after {@code timeoutSeconds}; returns once it ended. */
    public void stopContainer(String id, long timeoutSeconds) {
        Optional<CriContainer> c;
        synchronized (this) {
            c = CriIds.find(containers, id, "container");
        }
        if (c.isPresent()) {
            stopContainer(c.get(), Duration.ofSeconds(Math.max(0, timeoutSeconds)));
        }
    }

    private void stopContainer(CriContainer c, Duration grace) {
        synchronized (c) {
            if (c.process == null) {
                return; // created and never started, or ended: nothing to stop (a created one stays created, as in containerd)
            }
            c.process.signal(grace.isZero() ? Signal.SIGKILL : c.image.config().stopSignalOrTerm());
        }
        try {
            c.ended.get(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
            return;
        } catch (TimeoutException e) {
            synchronized (c) {
                if (c.process != null) {
                    c.process.signal(Signal.SIGKILL);
                }
            }
        } catch (Exception e) {
            throw new PodException("stop container " + c.id + ": " + e.getMessage(), e);
        }
        try {
            c.ended.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new PodException("stop container " + c.id + ": it did not end within 30 s of SIGKILL", e);
        }
    }

    /** Kills the container if it runs and removes it: its cgroup and writable layer (its log is kubelet's). */
    public void removeContainer(String id) {
        Optional<CriContainer> found;
        synchronized (this) {
            found = CriIds.find(containers, id, "container");
        }
        if (found.isEmpty()) {
            return;
        }
        CriContainer c = found.get();
        stopContainer(c, Duration.ZERO);
        synchronized (c) {
            core.cgroupManager().remove(c.cgroup, Duration.ofSeconds(10));
            try {
                FileTrees.delete(c.bundle);
            } catch (IOException e) {
                throw new PodException("remove container " + c.id + ": " + e.getMessage(), e);
            }
            synchronized (this) {
                containers.remove(c.id);
            }
            records.forgetContainer(c.id);
        }
        emit(c, ContainerEventType.CONTAINER_DELETED_EVENT);
    }

    /**
     * Tells {@code listener} every container event from now on, with its sandbox's status and the
     * statuses of the sandbox's containers (what kubelet's evented PLEG reads), until closed.
     */
    public AutoCloseable listen(java.util.function.Consumer<ContainerEventResponse> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void emit(CriContainer c, ContainerEventType type) {
        if (listeners.isEmpty()) {
            return;
        }
        long at = nowNanos();
        events.execute(() -> {
            ContainerEventResponse.Builder event = ContainerEventResponse.newBuilder().setContainerId(c.id).setContainerEventType(type)
                    .setCreatedAt(at).setPodSandboxStatus(CriMessages.sandbox(c.sandbox));
            for (CriContainer other : containersOf(c.sandbox)) {
                synchronized (other) {
                    event.addContainersStatuses(CriMessages.container(other));
                }
            }
            ContainerEventResponse built = event.build();
            for (var l : listeners) {
                try {
                    l.accept(built);
                } catch (RuntimeException e) {
                    listeners.remove(l); // a stream that broke: its client is gone
                }
            }
        });
    }

    public synchronized CriContainer container(String id) {
        return CriIds.require(containers, id, "container");
    }

    public synchronized List<CriContainer> containers() {
        return List.copyOf(containers.values());
    }

    /** Runs {@code argv} in the running container, killed after {@code timeout} (null: none). */
    public ContainerExec.Result execSync(String id, List<String> argv, Duration timeout) {
        if (argv.isEmpty()) {
            throw PodException.invalid("cmd", "required: the command to run");
        }
        CriContainer c = container(id);
        try (io.podshim.linux.PidFd target = running(c, "exec into")) {
            return ContainerExec.run(core.execStage(), target, c.plan, argv, null, timeout);
        }
    }

    /** A pidfd of the running container {@code c}, the caller's to close; or why there is none. */
    private io.podshim.linux.PidFd running(CriContainer c, String doWhat) {
        synchronized (c) {
            if (c.state != ContainerState.CONTAINER_RUNNING || c.process == null) {
                throw PodException.conflict("container_id", "container " + c.id + " is not running (" + c.state + "): nothing to "
                        + doWhat);
            }
            return io.podshim.linux.PidFd.open(c.process.pid()); // its own: the container may end meanwhile
        }
    }

    /** A command in the running container with its streams open to the caller (Exec): a terminal of the container's, or pipes. */
    public io.podshim.runtime.container.ExecSession execSession(String id, List<String> argv, boolean stdin, boolean tty) {
        CriContainer c = container(id);
        try (io.podshim.linux.PidFd target = running(c, "exec into")) {
            return core.execSession(target, c.plan, argv, stdin, tty, 0, 0);
        }
    }

    /** What an attach to the running container holds: its own copies of its stdin and terminal, its output as logged. */
    public io.podshim.runtime.pod.PodEngine.Attached attach(String id, boolean stdin) {
        CriContainer c = container(id);
        synchronized (c) {
            running(c, "attach to").close();
            if (stdin && c.stdin == null) {
                throw c.config.getStdin() ? PodException.conflict("stdin", "the standard input of container " + c.id + " is closed"
                        + " (stdin_once: its first attach has ended it)")
                        : PodException.invalid("stdin", "container " + c.id + " was not created with stdin: attach without it");
            }
            io.podshim.linux.Fd in = null;
            if (stdin && c.config.getStdinOnce() && c.stdin != c.terminal) {
                // stdin_once: this attach owns the container's stdin; when it closes it, the container reads its end.
                in = c.stdin;
                c.stdin = null;
            } else if (stdin) {
                in = c.stdin.dupAtLeast(0);
            }
            return new io.podshim.runtime.pod.PodEngine.Attached(in, c.terminal == null ? null : c.terminal.dupAtLeast(0), c.taps,
                    c.logsWritten, () -> { });
        }
    }

    /** A connection to {@code port} on the loopback of sandbox {@code id}, made in its network namespace (PortForward). */
    public io.podshim.linux.TcpSocket connect(String id, int port) {
        CriSandbox s = sandbox(id);
        io.podshim.linux.PidFd pause;
        synchronized (s) {
            if (s.handle == null) {
                throw PodException.conflict("pod_sandbox_id", "pod sandbox " + s.id + " is not ready: nothing to forward to");
            }
            pause = io.podshim.linux.PidFd.open(s.handle.sandbox().pausePid());
        }
        try (pause) {
            return core.connectInPod(pause, port, Duration.ofSeconds(10));
        }
    }

    /** New cgroup limits for a container, as kubelet resizes it. */
    public void updateResources(String id, LinuxContainerResources resources) {
        CriContainer c = container(id);
        core.cgroupManager().apply(c.cgroup, CriLimits.of(resources, "linux"));
    }

    /** Opens the container's log at its path again (kubelet rotated it). */
    public void reopenLog(String id) {
        CriContainer c = container(id);
        synchronized (c) {
            if (c.state != ContainerState.CONTAINER_RUNNING || c.log == null) {
                throw PodException.conflict("container_id", "container " + c.id + " is not running: its log is not written any more");
            }
            c.log.reopen();
        }
    }

    /** Every sandbox, as podshim's own listings show it beside its pods: newest attempt of each pod first. */
    public List<CriPod> pods() {
        List<CriPod> pods = new ArrayList<>();
        for (CriSandbox s : sandboxes()) {
            Map<String, Long> processes = new LinkedHashMap<>();
            int ready = 0;
            int restarts = 0;
            List<CriContainer> of = containersOf(s);
            synchronized (s) {
                if (s.handle != null) {
                    processes.put("pause", (long) s.handle.sandbox().pausePid());
                }
            }
            for (CriContainer c : of) {
                synchronized (c) {
                    restarts = Math.max(restarts, c.config.getMetadata().getAttempt());
                    if (c.state == ContainerState.CONTAINER_RUNNING && c.process != null) {
                        ready++;
                        processes.put(c.name(), (long) c.process.pid());
                    }
                }
            }
            var meta = s.config.getMetadata();
            pods.add(new CriPod(meta.getNamespace(), meta.getName(), s.id, ready, of.size(), s.ready() ? "Ready" : "NotReady", restarts,
                    java.time.Instant.ofEpochSecond(0, s.createdAtNanos), s.ip, processes.getOrDefault("pause", 0L).intValue(),
                    s.cgroup.toString(), processes, s.config.getLabelsMap()));
        }
        return pods;
    }

    // ---- how sandboxes are made ----

    private CgroupPath sandboxCgroup(String parent, String id) {
        List<String> segments = new ArrayList<>();
        for (String s : parent.split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        if (segments.isEmpty()) {
            return defaultParent().child(id);
        }
        if (parent.endsWith(".slice")) {
            throw PodException.invalid("config.linux.cgroup_parent", "\"" + parent + "\" is a systemd slice: podshim's cgroup"
                    + " driver is cgroupfs; run kubelet with --cgroup-driver=cgroupfs");
        }
        try {
            return new CgroupPath(segments).child(id);
        } catch (IllegalArgumentException e) {
            throw PodException.invalid("config.linux.cgroup_parent", e.getMessage());
        }
    }

    private CgroupPath defaultParent() {
        return CgroupPath.of(cgroupRoot, "cri");
    }

    /**
     * The name the sandbox's pause knows the pod by: kubelet's pod names are DNS subdomains already,
     * but the CRI does not require it (critest's are not), so anything else is made one.
     */
    static String specName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        n = n.length() > 253 ? n.substring(0, 253).replaceAll("[^a-z0-9]+$", "") : n;
        return n.isEmpty() ? "sandbox" : n;
    }

    /** Without a hostname in its config a sandbox has the node's, as containerd gives it (the pod's name if the node's cannot be one). */
    private static String nodeHostname(String podName) {
        try {
            String node = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (node.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*") && node.length() <= 64) {
                return node;
            }
        } catch (IOException e) {
            // no name to read: the pod's
        }
        return SandboxSpec.hostnameOf(podName);
    }

    private static List<PortMapping> ports(PodSandboxConfig config) {
        List<PortMapping> ports = new ArrayList<>();
        for (var p : config.getPortMappingsList()) {
            if (p.getHostPort() > 0) {
                ports.add(new PortMapping(p.getHostPort(), p.getContainerPort(), p.getProtocol().name().toLowerCase(java.util.Locale.ROOT),
                        p.getHostIp()));
            }
        }
        return ports;
    }

    /** dns_config, as containerd reads it: given, the resolv.conf is made of it alone; else the node's. */
    private static PodDns dns(PodSandboxConfig config) {
        var d = config.getDnsConfig();
        if (d.getServersCount() == 0 && d.getSearchesCount() == 0 && d.getOptionsCount() == 0) {
            return new PodDns("Default", List.of(), List.of(), Map.of());
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (String o : d.getOptionsList()) {
            int colon = o.indexOf(':');
            options.put(colon < 0 ? o : o.substring(0, colon), colon < 0 ? null : o.substring(colon + 1));
        }
        return new PodDns("None", d.getServersList(), d.getSearchesList(), options);
    }

    private static String reservedName(io.podshim.cri.v1.PodSandboxMetadata m) {
        return m.getName() + "_" + m.getNamespace() + "_" + m.getUid() + "_" + m.getAttempt();
    }

    // ---- what a daemon that died (or was stopped) left ----

    /**
     * Finds every sandbox and container an earlier daemon on this state directory made, as it left
     * them: a sandbox whose pause still runs is ready again, one whose pause died is removed and
     * NOTREADY; a running container whose shim lives is supervised again, its log taken up where it
     * was (the shim kept the pipes, so no line is lost or written twice); one that ended meanwhile
     * ends as its shim recorded. Whatever has no record (a create cut short) is removed.
     */
    private void recover() {
        for (CriRecords.Sandbox r : records.sandboxes()) {
            try {
                CgroupPath cgroup = new CgroupPath(List.of(r.cgroup().split("/")));
                CriSandbox s = new CriSandbox(r.id(), PodSandboxConfig.parseFrom(r.config()), r.createdAt(), cgroup);
                s.ip = r.ip();
                if (r.stopped() && Files.exists(core.sandboxDirectory(r.id()))) {
                    // Recorded before it was made, and the daemon died while making it: what was made goes.
                    removeRemains(r.id(), cgroup);
                } else if (!r.stopped()) {
                    Optional<io.podshim.pause.PodSandbox> found = core.findSandbox(r.id());
                    if (found.isPresent()) {
                        s.handle = new PodSandboxHandle(found.get(), cgroup, io.podshim.runtime.container.PodVolumes.reopen(found.get(),
                                List.of(), Map.of()), core.networkStatus(r.id()));
                    } else {
                        removeRemains(r.id(), cgroup); // its pause died with the daemon: NOTREADY, as kubelet then sees it
                        records.save(s);
                    }
                }
                sandboxes.put(s.id, s);
            } catch (IOException | RuntimeException e) {
                System.err.println("podshim: CRI: sandbox " + r.id() + " cannot be taken over, and is removed: " + e.getMessage());
                removeRemains(r.id(), null);
                records.forgetSandbox(r.id());
            }
        }
        for (CriRecords.Container r : records.containers()) {
            CriSandbox s = sandboxes.get(r.sandbox());
            try {
                if (s == null) {
                    throw new PodException("its sandbox " + r.sandbox() + " is gone");
                }
                adopt(s, r);
            } catch (IOException | RuntimeException e) {
                System.err.println("podshim: CRI: container " + r.id() + " cannot be taken over, and is removed: " + e.getMessage());
                try {
                    core.cgroupManager().killAll(new CgroupPath(List.of(r.cgroup().split("/"))), Duration.ofSeconds(5));
                    core.cgroupManager().remove(new CgroupPath(List.of(r.cgroup().split("/"))), Duration.ofSeconds(5));
                } catch (RuntimeException gone) {
                    // removed with its sandbox's cgroup already
                }
                records.forgetContainer(r.id());
            }
        }
        for (String uid : core.sandboxUids()) {
            if (!sandboxes.containsKey(uid)) {
                core.destroySandbox(uid); // made, no record: a create cut short
            }
        }
    }

    private void adopt(CriSandbox s, CriRecords.Container r) throws IOException {
        ContainerConfig config = ContainerConfig.parseFrom(r.config());
        StoredImage image = images.find(r.image()).orElseThrow(() -> new PodException("its image " + r.image() + " has left the store"));
        CgroupPath cgroup = new CgroupPath(List.of(r.cgroup().split("/")));
        Path bundle = core.sandboxDirectory(s.id).resolve("containers").resolve(r.id());
        CriContainer c = new CriContainer(r.id(), s, config, image, r.createdAt(), cgroup, Path.of(r.logPath()), bundle,
                s.handle == null ? null : plan(s, r.id(), config, image, cgroup));
        c.state = ContainerState.valueOf(r.state());
        c.startedAtNanos = r.startedAt();
        c.finishedAtNanos = r.finishedAt();
        c.exitCode = r.exitCode();
        c.reason = r.reason() == null ? "" : r.reason();
        c.message = r.message() == null ? "" : r.message();
        c.oomKillsBefore = r.oomKillsBefore();
        containers.put(c.id, c);
        if (c.state != ContainerState.CONTAINER_RUNNING) {
            return;
        }
        Optional<io.podshim.runtime.container.ContainerProcess> process = r.process() == null ? Optional.empty()
                : io.podshim.runtime.container.ContainerProcess.adopt(r.process());
        synchronized (c) {
            if (process.isEmpty()) {
                // It ended while no daemon watched: as its shim recorded it, if it could.
                Optional<Shim.ExitRecord> record = r.process() == null ? Optional.empty() : Shim.record(r.process().exitDir());
                ended(c, record.map(e -> core.termination(e.status(), cgroup, c.oomKillsBefore)).orElse(new Termination("Unknown", 137,
                        "the container ended while no daemon watched it, and how is not known")),
                        record.map(e -> toNanos(e.finishedAt())).orElse(nowNanos()));
                return;
            }
            c.process = process.get();
            List<Fd> kept = c.process.takeKept();
            c.log = new CriLogFile(c.logPath);
            if (config.getTty()) {
                c.terminal = kept.get(0);
                c.stdin = config.getStdin() ? c.terminal : null;
                c.logsWritten = core.attachTerminalLog(c.terminal.dupAtLeast(0), c.log, c.taps);
            } else if (kept.size() >= 2) {
                c.logsWritten = core.attachLogs(kept.get(0), kept.get(1), c.log, c.taps);
            }
        }
        watch(c);
    }

    /** Removes what is left of sandbox {@code id}: its network, pause and directory, and its cgroup if known. */
    private void removeRemains(String id, CgroupPath cgroup) {
        try {
            core.destroySandbox(id);
            if (cgroup != null) {
                core.cgroupManager().killAll(cgroup, Duration.ofSeconds(10));
                core.cgroupManager().remove(cgroup, Duration.ofSeconds(10));
            }
        } catch (RuntimeException e) {
            System.err.println("podshim: CRI: the sandbox " + id + " a daemon left could not be removed: " + e.getMessage());
        }
    }

    static long nowNanos() {
        return toNanos(Instant.now());
    }

    static long toNanos(Instant when) {
        return when.getEpochSecond() * 1_000_000_000L + when.getNano();
    }

    /**
     * Stops supervising and lets go, leaving every sandbox and container running: they are
     * kubelet's, and a runtime that stops (to be upgraded, say) must not take a node's pods with it.
     * The next runtime on the same state directory takes them over.
     */
    @Override
    public void close() {
        supervisor.close();
        events.shutdown();
        core.close();
    }
}
