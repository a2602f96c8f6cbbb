import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.podshim.cri.v1.ContainerConfig;
import io.podshim.cri.v1.ContainerMetadata;
import io.podshim.cri.v1.ContainerState;
import io.podshim.cri.v1.ContainerStatusRequest;
import io.podshim.cri.v1.CreateContainerRequest;
import io.podshim.cri.v1.ImageSpec;
import io.podshim.cri.v1.LinuxContainerConfig;
import io.podshim.cri.v1.LinuxContainerSecurityContext;
import io.podshim.cri.v1.LinuxPodSandboxConfig;
import io.podshim.cri.v1.Mount;
import io.podshim.cri.v1.NamespaceMode;
import io.podshim.cri.v1.NamespaceOption;
import io.podshim.cri.v1.PodSandboxConfig;
import io.podshim.cri.v1.PodSandboxMetadata;
import io.podshim.cri.v1.RemovePodSandboxRequest;
import io.podshim.cri.v1.RunPodSandboxRequest;
import io.podshim.cri.v1.RuntimeServiceGrpc;
import io.podshim.cri.v1.StartContainerRequest;
import io.podshim.cri.v1.StopPodSandboxRequest;
import io.podshim.cri.v1.VersionRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * podshim's CRI against containerd's, through the same gRPC client, in one run (bench/cri.sh starts
 * containerd and prepares the images, then runs this with podshim.jar on the class path for gRPC and
 * the CRI's messages, and Bench for its measurements).
 *
 * Per call: RunPodSandbox, CreateContainer, StartContainer, StopPodSandbox, RemovePodSandbox, each
 * timed at the client. A kubelet-shaped pod: the sandbox, two init containers each created, started
 * and waited for to exit (ContainerStatus asked again and again, as a relist would, with no pause
 * between asks), then the app; its time is the app's own stamp (bench/stamp.c) minus the moment
 * RunPodSandbox was sent. Memory per idle pod: the PSS of every process the runtime added for N
 * pods of one sleeping container, plus its daemon's growth, divided by N.
 *
 *   java -cp podshim.jar:CLASSES CriBench WORKDIR PODSHIM_JAR CONTAINERD_SOCKET CONTAINERD_PID ROUNDS IDLE NETNS
 */
public class CriBench {
    record Runtime(String name, RuntimeServiceGrpc.RuntimeServiceBlockingStub cri, long daemonPid) {}

    static final String IMAGE = "localhost/bench-busybox:latest";

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path jar = Path.of(args[1]);
        Path containerdSocket = Path.of(args[2]);
        long containerdPid = Long.parseLong(args[3]);
        int rounds = Integer.parseInt(args[4]);
        int idle = Integer.parseInt(args[5]);
        String netns = args[6];
        Bench.work = work;
        Files.createDirectories(work.resolve("out"));

        Path podshimSocket = work.resolve("podshim-cri.sock");
        // In the run's network namespace, as containerd is, with its own bridge network there.
        Process daemon = new ProcessBuilder("nsenter", "--net=" + netns, "java", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "daemon", "--socket", work.resolve("podshim-api.sock").toString(), "--state",
                work.resolve("podshim-state").toString(), "--logs", work.resolve("podshim-logs").toString(), "--store",
                work.resolve("podshim-images").toString(), "--cgroup-root", "podshim-bench-cri", "--network", "cni", "--cni-conf-dir",
                work.resolve("podshim-net.d").toString(), "--cri-socket", podshimSocket.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("podshim.log").toFile()).start();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        List<ManagedChannel> channels = new ArrayList<>();
        ObjectNode results = Bench.JSON.createObjectNode();
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!Files.readString(work.resolve("podshim.log")).contains("listening on")) {
                if (System.nanoTime() > deadline || !daemon.isAlive()) {
                    throw new IllegalStateException("the podshim daemon did not start: " + Files.readString(work.resolve("podshim.log")));
                }
                Thread.sleep(50);
            }
            List<Runtime> runtimes = new ArrayList<>();
            ObjectNode versions = results.putObject("versions");
            Map<String, Path> sockets = new LinkedHashMap<>();
            sockets.put("podshim", podshimSocket);
            sockets.put("containerd", containerdSocket);
            for (var r : sockets.entrySet()) {
                ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(r.getValue().toString()))
                        .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext().build();
                channels.add(channel);
                var stub = RuntimeServiceGrpc.newBlockingStub(channel);
                versions.put(r.getKey(), stub.version(VersionRequest.getDefaultInstance()).getRuntimeVersion());
                runtimes.add(new Runtime(r.getKey(), stub, r.getKey().equals("podshim") ? daemon.pid() : containerdPid));
            }
            results.put("machine", Bench.host() + ", " + Bench.version("runc", "--version"));
            ObjectNode calls = results.putObject("calls_ms");
            ObjectNode kubelet = results.putObject("kubelet_pod_ms");
            ObjectNode memory = results.putObject("memory_per_idle_pod_kib");
            for (Runtime rt : runtimes) {
                for (int i = 0; i < 3; i++) {
                    onePod(rt, work, "warm-" + i); // each runtime's first pods pay for what is loaded once
                }
                Map<String, List<Double>> perCall = new LinkedHashMap<>();
                for (int i = 0; i < rounds; i++) {
                    onePod(rt, work, "r-" + i).forEach((call, ms) -> perCall.computeIfAbsent(call, k -> new ArrayList<>()).add(ms));
                }
                perCall.forEach((call, ms) -> (calls.has(call) ? (ObjectNode) calls.get(call) : calls.putObject(call))
                        .set(rt.name(), Bench.stats(ms)));
                List<Double> pods = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    pods.add(kubeletPod(rt, work, "k-" + i));
                }
                kubelet.set(rt.name(), Bench.stats(pods));
                memory.put(rt.name(), idlePods(rt, work, idle));
            }
            results.put("idle_pods", idle);
        } finally {
            for (ManagedChannel c : channels) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            daemon.destroy();
            daemon.waitFor();
        }
        String markdown = markdown(results);
        Files.writeString(work.resolve("results.json"), Bench.JSON.writeValueAsString(results));
        Files.writeString(work.resolve("results.md"), markdown);
        System.out.println(markdown);
    }

    static PodSandboxConfig sandbox(Path work, String name) {
        String uid = UUID.randomUUID().toString();
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("bench").setUid(uid))
                .setHostname(name).setLogDirectory(work.resolve("pod-logs").resolve(name + "_" + uid).toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder()).build();
    }

    /** A container as kubelet asks for one: its own pid namespace, /out from the host for the stamp. */
    static ContainerConfig container(Path work, String name, List<String> command) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(IMAGE)).addAllCommand(command).setLogPath(name + "/0.log")
                .addMounts(Mount.newBuilder().setHostPath(work.resolve("out").toString()).setContainerPath("/out"))
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER)))).build();
    }

    static String create(Runtime rt, String pod, PodSandboxConfig config, ContainerConfig container) {
        return rt.cri().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod).setConfig(container)
                .setSandboxConfig(config).build()).getContainerId();
    }

    /** One pod through the five calls crictl makes; each call's time at the client, in ms. */
    static Map<String, Double> onePod(Runtime rt, Path work, String name) throws Exception {
        Map<String, Double> ms = new LinkedHashMap<>();
        PodSandboxConfig config = sandbox(work, name);
        long t = System.nanoTime();
        String pod = rt.cri().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
        t = lap(ms, "RunPodSandbox", t);
        String app = create(rt, pod, config, container(work, "app", List.of("/bin/stamp", "/out/" + rt.name() + "-" + name,
                "/bin/sleep", "100000")));
        t = lap(ms, "CreateContainer", t);
        rt.cri().startContainer(StartContainerRequest.newBuilder().setContainerId(app).build());
        lap(ms, "StartContainer", t);
        Bench.awaitStamp(rt.name() + "-" + name); // running, before it is stopped
        t = System.nanoTime();
        rt.cri().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        t = lap(ms, "StopPodSandbox", t);
        rt.cri().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        lap(ms, "RemovePodSandbox", t);
        return ms;
    }

    static long lap(Map<String, Double> ms, String call, long since) {
        long now = System.nanoTime();
        ms.put(call, (now - since) / 1e6);
        return now;
    }

    /** Two init containers in turn, each to its exit, then the app: ms from RunPodSandbox's request to the app's stamp. */
    static double kubeletPod(Runtime rt, Path work, String name) throws Exception {
        PodSandboxConfig config = sandbox(work, name);
        long sent = Bench.wallNanos();
        String pod = rt.cri().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
        for (String init : List.of("init1", "init2")) {
            String id = create(rt, pod, config, container(work, init, List.of("/bin/true")));
            rt.cri().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (rt.cri().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus().getState()
                    != ContainerState.CONTAINER_EXITED) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(rt.name() + ": " + init + " of " + name + " did not exit within 60 s");
                }
            }
        }
        String app = create(rt, pod, config, container(work, "app", List.of("/bin/stamp", "/out/" + rt.name() + "-" + name,
                "/bin/sleep", "100000")));
        rt.cri().startContainer(StartContainerRequest.newBuilder().setContainerId(app).build());
        double ms = (Bench.awaitStamp(rt.name() + "-" + name) - sent) / 1e6;
        rt.cri().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        rt.cri().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        return ms;
    }

    /** KiB per pod: what {@code n} pods of one sleeping container add (their processes' PSS and the daemon's growth), over n. */
    static long idlePods(Runtime rt, Path work, int n) throws Exception {
        System.gc();
        Set<Long> before = Bench.pids();
        long daemonBefore = Bench.pss(rt.daemonPid());
        List<String> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PodSandboxConfig config = sandbox(work, "idle-" + i);
            String pod = rt.cri().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
            String app = create(rt, pod, config, container(work, "app", List.of("/bin/stamp", "/out/" + rt.name() + "-idle-" + i,
                    "/bin/sleep", "100000")));
            rt.cri().startContainer(StartContainerRequest.newBuilder().setContainerId(app).build());
            Bench.awaitStamp(rt.name() + "-idle-" + i);
            pods.add(pod);
        }
        Thread.sleep(2000); // what starting them made and let go of settles
        long added = 0;
        for (long pid : Bench.pids()) {
            if (!before.contains(pid)) {
                added += Bench.pss(pid);
            }
        }
        long growth = Math.max(0, Bench.pss(rt.daemonPid()) - daemonBefore);
        for (String pod : pods) {
            rt.cri().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
            rt.cri().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        }
        return (added + growth) / n;
    }

    static String markdown(ObjectNode r) {
        StringBuilder md = new StringBuilder("Machine: ").append(r.path("machine").asText()).append("; podshim ")
                .append(r.path("versions").path("podshim").asText()).append(", containerd ")
                .append(r.path("versions").path("containerd").asText()).append("\n\n");
        md.append("### CRI calls, at the client (ms)\n\n| call | podshim p50 / p95 | containerd p50 / p95 | containerd ÷ podshim (p50) |\n"
                + "|---|---|---|---|\n");
        r.path("calls_ms").fields().forEachRemaining(e -> md.append("| ").append(e.getKey()).append(" | ")
                .append(Bench.pair(e.getValue().path("podshim"))).append(" | ").append(Bench.pair(e.getValue().path("containerd")))
                .append(" | ").append(Bench.ratio(e.getValue().path("containerd").path("p50").asDouble(),
                        e.getValue().path("podshim").path("p50").asDouble())).append(" |\n"));
        var k = r.path("kubelet_pod_ms");
        md.append("\n### A pod as kubelet runs it (2 init containers to their exit, then the app): RunPodSandbox → app running (ms)\n\n"
                + "| podshim p50 / p95 | containerd p50 / p95 | containerd ÷ podshim (p50) |\n|---|---|---|\n| ")
                .append(Bench.pair(k.path("podshim"))).append(" | ").append(Bench.pair(k.path("containerd"))).append(" | ")
                .append(Bench.ratio(k.path("containerd").path("p50").asDouble(), k.path("podshim").path("p50").asDouble())).append(" |\n");
        var m = r.path("memory_per_idle_pod_kib");
        md.append("\n### Memory per idle pod, N = ").append(r.path("idle_pods").asInt())
                .append(" (PSS of what each runtime added, with its daemon's growth; KiB)\n\n| podshim | containerd | containerd ÷ podshim |\n"
                        + "|---|---|---|\n| ").append(m.path("podshim").asLong()).append(" | ").append(m.path("containerd").asLong())
                .append(" | ").append(Bench.ratio(m.path("containerd").asDouble(), m.path("podshim").asDouble())).append(" |\n");
        return md.toString();
    }
}
