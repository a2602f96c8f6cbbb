package io.podshim.runtime.core;

import io.podshim.cgroups.CgroupHost;
import io.podshim.cgroups.CgroupManager;
import io.podshim.cgroups.CgroupPath;
import io.podshim.cgroups.ContainerResources;
import io.podshim.cgroups.PodCgroups;
import io.podshim.cgroups.PodResources;
import io.podshim.cgroups.QosClass;
import io.podshim.linux.ExecStage;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.PidFd;
import io.podshim.linux.Shim;
import io.podshim.pause.PauseBinary;
import io.podshim.pause.PodSandbox;
import io.podshim.pause.SandboxSpec;
import io.podshim.pause.Sandboxes;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.ContainerExec;
import io.podshim.runtime.container.ContainerLauncher;
import io.podshim.runtime.container.LaunchPlan;
import io.podshim.runtime.container.Launched;
import io.podshim.runtime.container.PodVolumes;
import io.podshim.runtime.container.Termination;
import io.podshim.runtime.container.Volume;
import io.podshim.runtime.logs.CriLogFile;
import io.podshim.runtime.logs.LogPump;
import io.podshim.runtime.network.NetworkSettings;
import io.podshim.runtime.network.NetworkStatus;
import io.podshim.runtime.network.PodNetwork;
import io.podshim.runtime.network.PortMapping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The runtime core: pod sandboxes and containers, and nothing of the pod's policy. It makes and
 * removes a sandbox (pause, pod cgroup, volumes, its place on the pod network) whole or not at all,
 * gives a container its cgroup, starts it from a {@link LaunchPlan}, execs in it, pumps its logs
 * and says how it ended. It decides nothing: what runs when is for a front door. podshim's own pod
 * engine ({@code io.podshim.runtime.pod}, kubelet's decisions) is one; a CRI server, where a real
 * kubelet decides, is the other.
 */
public final class RuntimeCore implements AutoCloseable {
    private static final Duration CGROUP_TIMEOUT = Duration.ofSeconds(10);

    private final Sandboxes sandboxes;
    private final PodCgroups cgroups;
    private final ContainerLauncher launcher;
    private final Path execStage;
    private final LogPump logs = new LogPump();
    private final PodNetwork network;

    /**
     * @param stateDir sandboxes live in {@code <stateDir>/sandboxes}, helpers in {@code <stateDir>/bin}
     *     (root-owned, not world-writable)
     * @param podPidsLimit pids.max of each pod cgroup, or null
     */
    public RuntimeCore(Path stateDir, String cgroupRoot, Long podPidsLimit) {
        this(stateDir, cgroupRoot, podPidsLimit, NetworkSettings.none());
    }

    /** @param network where pods get their network (CNI), or none: their loopback only */
    public RuntimeCore(Path stateDir, String cgroupRoot, Long podPidsLimit, NetworkSettings network) {
        this.network = new PodNetwork(network);
        Path bin = stateDir.resolve("bin");
        this.sandboxes = new Sandboxes(stateDir.resolve("sandboxes"), PauseBinary.install(bin), CGROUP_TIMEOUT);
        this.execStage = ExecStage.install(bin);
        this.launcher = new ContainerLauncher(execStage, Shim.install(bin));
        this.cgroups = new PodCgroups(CgroupManager.forHost(CgroupHost.detect()), cgroupRoot, podPidsLimit);
    }

    /** {@link #createSandbox(SandboxSpec, PodResources, List, String, List)} in namespace "default", publishing no port. */
    public PodSandboxHandle createSandbox(SandboxSpec spec, PodResources resources, List<Volume> volumes) {
        return createSandbox(spec, resources, volumes, "default", List.of());
    }

    /**
     * The pause, sized pod cgroup (the pause in its leaf), volumes and, unless the pod has the
     * node's network, its place on the pod network with {@code ports} published; on any failure,
     * nothing is left.
     */
    public PodSandboxHandle createSandbox(SandboxSpec spec, PodResources resources, List<Volume> volumes, String namespace,
                                          List<PortMapping> ports) {
        return createSandbox(spec, resources, volumes, java.util.Map.of(), null, null, namespace, ports);
    }

    /**
     * {@link #createSandbox(SandboxSpec, PodResources, List, String, List)} with the directories of
     * the pod's claims (by volume name) and its fsGroup and fsGroupChangePolicy (null: none).
     */
    public PodSandboxHandle createSandbox(SandboxSpec spec, PodResources resources, List<Volume> volumes,
                                          java.util.Map<String, Path> claims, Long fsGroup, String fsGroupChangePolicy,
                                          String namespace, List<PortMapping> ports) {
        return createSandbox(spec, () -> cgroups.createPod(spec.podUid(), resources), volumes, claims, fsGroup, fsGroupChangePolicy,
                namespace, ports);
    }

    /**
     * A sandbox whose pod cgroup is {@code cgroup}, with {@code limits} (a CRI sandbox's: below the
     * cgroup_parent kubelet gives), and no volumes (kubelet brings its own as mounts).
     */
    public PodSandboxHandle createSandbox(SandboxSpec spec, CgroupPath cgroup, io.podshim.cgroups.CgroupLimits limits,
                                          String namespace, List<PortMapping> ports) {
        return createSandbox(spec, () -> cgroups.createPodAt(cgroup, limits), List.of(), java.util.Map.of(), null, null, namespace,
                ports);
    }

    private PodSandboxHandle createSandbox(SandboxSpec spec, java.util.function.Supplier<CgroupPath> podCgroup, List<Volume> volumes,
                                           java.util.Map<String, Path> claims, Long fsGroup, String fsGroupChangePolicy,
                                           String namespace, List<PortMapping> ports) {
        PodSandbox sandbox = null;
        CgroupPath cgroup = null;
        try {
            sandbox = sandboxes.create(spec);
            cgroup = podCgroup.get();
            cgroups.manager().place(cgroups.pausePath(cgroup), sandbox.pausePid());
            PodVolumes prepared = PodVolumes.prepare(sandbox, volumes, claims, fsGroup, fsGroupChangePolicy);
            NetworkStatus joined = NetworkStatus.NONE;
            if (network.enabled() && !spec.hostNetwork()) {
                joined = network.attach(new PodNetwork.Attachment(spec.podUid(), spec.podName(), namespace, ports),
                        sandbox.directory(), netns(sandbox));
            }
            return new PodSandboxHandle(sandbox, cgroup, prepared, joined);
        } catch (RuntimeException e) {
            List<String> problems = destroy(sandbox, cgroup);
            String also = problems.isEmpty() ? "" : " (and its clean-up: " + String.join("; ", problems) + ")";
            throw e instanceof PodException p && also.isEmpty() ? p
                    : new PodException("pod " + spec.podName() + ": " + e.getMessage() + also, e);
        }
    }

    /**
     * Sets {@code sysctls} (dotted names, in order) in the pod's own namespaces: net.* in its net
     * namespace, the others (kernel.shm*) in its ipc namespace; never the node's.
     */
    public void setSysctls(PodSandboxHandle handle, java.util.Map<String, String> sysctls) {
        for (java.util.Map.Entry<String, String> s : sysctls.entrySet()) {
            io.podshim.linux.Namespace ns = s.getKey().startsWith("net.") ? io.podshim.linux.Namespace.NET : io.podshim.linux.Namespace.IPC;
            try {
                io.podshim.linux.NamespaceThread.call(handle.sandbox().joinPlan("sysctl", java.util.EnumSet.of(ns)).build(), () -> {
                    io.podshim.linux.Sysctl.write(s.getKey(), s.getValue());
                    return null;
                });
            } catch (io.podshim.linux.SyscallException e) {
                throw PodException.invalid("spec.securityContext.sysctls", s.getKey() + "=" + s.getValue() + " was refused by the kernel: "
                        + e.getMessage());
            }
        }
    }

    /** The sandbox an earlier daemon made for pod {@code uid}, if its pause still runs. */
    public Optional<PodSandbox> findSandbox(String uid) {
        return sandboxes.find(uid);
    }

    /** The pod uids that have a sandbox directory, live or not. */
    public List<String> sandboxUids() {
        return sandboxes.podUids();
    }

    public Path sandboxDirectory(String uid) {
        return sandboxes.root().resolve(uid);
    }

    /** The cgroup pod {@code uid} has by its QoS class. */
    public CgroupPath podCgroup(String uid, QosClass qos) {
        return cgroups.podPath(uid, qos);
    }

    /**
     * Kills what is left in the pod cgroup, removes it, and stops and removes the sandbox; what
     * could not be removed is returned, one line each, so the caller can say so. Idempotent.
     */
    public List<String> destroySandbox(PodSandboxHandle handle) {
        return destroy(handle.sandbox(), handle.cgroup());
    }

    /** Removes whatever is left of pod {@code uid}: its place on the network, its sandbox and its cgroup under any QoS class. */
    public void destroySandbox(String uid) {
        if (network.enabled()) {
            List<String> problems = network.detach(sandboxDirectory(uid), sandboxes.find(uid).map(RuntimeCore::netns).orElse(null));
            problems.forEach(p -> System.err.println("podshim: pod uid " + uid + ": " + p));
        }
        sandboxes.destroy(uid);
        for (QosClass qos : QosClass.values()) {
            cgroups.removePod(cgroups.podPath(uid, qos), CGROUP_TIMEOUT);
        }
    }

    private List<String> destroy(PodSandbox sandbox, CgroupPath cgroup) {
        List<String> problems = new ArrayList<>();
        if (sandbox != null && network.enabled()) {
            // While the pause still holds the network namespace: the plugins undo what they did in it.
            problems.addAll(network.detach(sandbox.directory(), sandbox.pausePidFd().awaitExit(Duration.ZERO) ? null : netns(sandbox)));
        }
        if (cgroup != null) {
            try {
                cgroups.removePod(cgroup, CGROUP_TIMEOUT);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        if (sandbox != null) {
            try {
                sandboxes.destroy(sandbox);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    /**
     * A network namespace as CNI names it: the pause's, by /proc. Asked only while the pause is known
     * to run (its pidfd), so the pid is not another process's.
     */
    private static String netns(PodSandbox sandbox) {
        return "/proc/" + sandbox.pausePid() + "/ns/net";
    }

    /** The network pod {@code uid} joined, as it was kept beside its sandbox. */
    public NetworkStatus networkStatus(String uid) {
        return network.status(sandboxDirectory(uid)).orElse(NetworkStatus.NONE);
    }

    /** CHECK of a pod taken over: whether its place on the network is as ADD left it. */
    public void checkNetwork(PodSandbox sandbox) {
        if (network.enabled() && !sandbox.spec().hostNetwork()) {
            network.check(sandbox.directory(), netns(sandbox));
        }
    }

    /**
     * The node's address, as {@code status.hostIP} gives it: the first IPv4 address of an interface
     * that is up and not loopback, in the network namespace podshim runs in; null if there is none.
     */
    public String hostIP() {
        try {
            for (java.net.NetworkInterface i : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (!i.isUp() || i.isLoopback()) {
                    continue;
                }
                for (java.net.InetAddress a : java.util.Collections.list(i.getInetAddresses())) {
                    if (a instanceof java.net.Inet4Address) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (java.net.SocketException e) {
            // no interfaces to be read: no address to give
        }
        return null;
    }

    /** A container's own cgroup below its pod's, with its limits. */
    public CgroupPath createContainerCgroup(PodSandboxHandle pod, ContainerResources resources) {
        return cgroups.createContainer(pod.cgroup(), resources);
    }

    /** How many OOM kills {@code cgroup} has seen so far: read before a start, it tells an OOM kill from a SIGKILL. */
    public long oomKills(CgroupPath cgroup) {
        return Math.max(0, cgroups.manager().stats(cgroup).oomKills());
    }

    /** How a container ended, in Kubernetes terms: OOMKilled if its cgroup saw a kill since {@code oomKillsBefore}. */
    public Termination termination(ExitStatus status, CgroupPath cgroup, long oomKillsBefore) {
        return Termination.of(status, cgroups.manager().oomKills(cgroup, oomKillsBefore));
    }

    public CgroupManager cgroupManager() {
        return cgroups.manager();
    }

    /** Starts a container; its shim keeps {@code hold} open (its log pipes' read ends) for a restarted daemon. */
    public Launched startContainer(LaunchPlan plan, List<Fd> hold) {
        return launcher.start(plan, hold);
    }

    /** Pumps a container run's stdout and stderr into its CRI log file; completes once both have reached it. */
    public CompletableFuture<Void> attachLogs(Fd stdout, Fd stderr, Path file) {
        return attachLogs(stdout, stderr, file, new io.podshim.runtime.logs.Taps());
    }

    /** As {@link #attachLogs(Fd, Fd, Path)}, what is logged handed to {@code taps} too (attach sessions). */
    public CompletableFuture<Void> attachLogs(Fd stdout, Fd stderr, Path file, io.podshim.runtime.logs.Taps taps) {
        return attachLogs(stdout, stderr, new CriLogFile(file), taps);
    }

    /** As {@link #attachLogs(Fd, Fd, Path, io.podshim.runtime.logs.Taps)} into {@code log}, which the caller may reopen; closed at the end. */
    public CompletableFuture<Void> attachLogs(Fd stdout, Fd stderr, CriLogFile log, io.podshim.runtime.logs.Taps taps) {
        return CompletableFuture.allOf(logs.attach(stdout, log, CriLogFile.Stream.STDOUT, taps, false),
                logs.attach(stderr, log, CriLogFile.Stream.STDERR, taps, false)).whenComplete((ok, failure) -> log.close());
    }

    /** Pumps a container's terminal (its master; the pump owns it) into its CRI log as stdout, and to {@code taps}. */
    public CompletableFuture<Void> attachTerminalLog(Fd master, Path file, io.podshim.runtime.logs.Taps taps) {
        return attachTerminalLog(master, new CriLogFile(file), taps);
    }

    /** As {@link #attachTerminalLog(Fd, Path, io.podshim.runtime.logs.Taps)} into {@code log}, closed at the end. */
    public CompletableFuture<Void> attachTerminalLog(Fd master, CriLogFile log, io.podshim.runtime.logs.Taps taps) {
        return logs.attach(master, log, CriLogFile.Stream.STDOUT, taps, true).whenComplete((ok, failure) -> log.close());
    }

    /** Runs {@code argv} in the running container behind {@code container} (kubectl exec, not interactive). */
    public ContainerExec.Result exec(PidFd container, LaunchPlan plan, List<String> argv, byte[] stdin) {
        return ContainerExec.run(execStage, container, plan, argv, stdin);
    }

    /** A command in a running container with its streams open to the caller: a terminal of the container's, or pipes. */
    public io.podshim.runtime.container.ExecSession execSession(PidFd container, LaunchPlan plan, List<String> argv, boolean stdin,
                                                                boolean terminal, int columns, int rows) {
        return ContainerExec.session(execStage, container, plan, argv, stdin, terminal, columns, rows);
    }

    /**
     * A TCP connection to {@code port} on the loopback of the pod whose pause is {@code pause}, made
     * in the pod's network namespace (the daemon's own stays the node's), as kubelet forwards a port.
     */
    public io.podshim.linux.TcpSocket connectInPod(PidFd pause, int port, Duration timeout) {
        io.podshim.linux.TcpSocket socket = io.podshim.linux.TcpSocket.openIn(pause);
        try {
            java.net.Inet4Address loopback = (java.net.Inet4Address) java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            if (!socket.connect(loopback, port)) {
                short[] ready = io.podshim.linux.Poll.await(List.of(socket.fd()), new short[] {io.podshim.linux.Poll.POLLOUT},
                        (int) timeout.toMillis());
                if (ready[0] == 0) {
                    throw PodException.unavailable("connect(127.0.0.1:" + port + ") in the pod's network: no answer within "
                            + timeout.toSeconds() + " s");
                }
                Optional<jnr.constants.platform.Errno> error = socket.connectError();
                if (error.isPresent()) {
                    throw PodException.unavailable(new io.podshim.linux.SyscallException("connect", "127.0.0.1:" + port,
                            error.get()).getMessage() + ", in the pod's network: is anything listening there?");
                }
            }
            return socket;
        } catch (java.net.UnknownHostException | RuntimeException e) {
            socket.close();
            throw e instanceof PodException p ? p : new PodException("connect(127.0.0.1:" + port + ") in the pod's network: "
                    + e.getMessage(), e);
        }
    }

    /** The exec stage on disk, for commands started in containers without waiting (probes, hooks). */
    public Path execStage() {
        return execStage;
    }

    /** Stops the log pump and removes the shared cgroup levels no pod uses any more. */
    @Override
    public void close() {
        logs.close();
        cgroups.removeEmptyLevels();
    }
}
