package io.podshim.runtime.cri;

import static io.podshim.runtime.cri.CriCalls.answer;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.podshim.cri.v1.CgroupDriver;
import io.podshim.cri.v1.Container;
import io.podshim.cri.v1.ContainerFilter;
import io.podshim.cri.v1.ContainerStatsRequest;
import io.podshim.cri.v1.ContainerStatsResponse;
import io.podshim.cri.v1.ContainerStatusRequest;
import io.podshim.cri.v1.ContainerStatusResponse;
import io.podshim.cri.v1.CreateContainerRequest;
import io.podshim.cri.v1.CreateContainerResponse;
import io.podshim.cri.v1.ExecSyncRequest;
import io.podshim.cri.v1.ExecSyncResponse;
import io.podshim.cri.v1.LinuxRuntimeConfiguration;
import io.podshim.cri.v1.ListContainerStatsRequest;
import io.podshim.cri.v1.ListContainerStatsResponse;
import io.podshim.cri.v1.ListContainersRequest;
import io.podshim.cri.v1.ListContainersResponse;
import io.podshim.cri.v1.ListPodSandboxRequest;
import io.podshim.cri.v1.ListPodSandboxResponse;
import io.podshim.cri.v1.ListPodSandboxStatsRequest;
import io.podshim.cri.v1.ListPodSandboxStatsResponse;
import io.podshim.cri.v1.PodSandbox;
import io.podshim.cri.v1.PodSandboxFilter;
import io.podshim.cri.v1.PodSandboxStatsRequest;
import io.podshim.cri.v1.PodSandboxStatsResponse;
import io.podshim.cri.v1.PodSandboxStatusRequest;
import io.podshim.cri.v1.PodSandboxStatusResponse;
import io.podshim.cri.v1.RemoveContainerRequest;
import io.podshim.cri.v1.RemoveContainerResponse;
import io.podshim.cri.v1.RemovePodSandboxRequest;
import io.podshim.cri.v1.RemovePodSandboxResponse;
import io.podshim.cri.v1.ReopenContainerLogRequest;
import io.podshim.cri.v1.ReopenContainerLogResponse;
import io.podshim.cri.v1.RunPodSandboxRequest;
import io.podshim.cri.v1.RunPodSandboxResponse;
import io.podshim.cri.v1.RuntimeConfigRequest;
import io.podshim.cri.v1.RuntimeConfigResponse;
import io.podshim.cri.v1.RuntimeServiceGrpc;
import io.podshim.cri.v1.RuntimeStatus;
import io.podshim.cri.v1.StartContainerRequest;
import io.podshim.cri.v1.StartContainerResponse;
import io.podshim.cri.v1.StatusRequest;
import io.podshim.cri.v1.StatusResponse;
import io.podshim.cri.v1.StopContainerRequest;
import io.podshim.cri.v1.StopContainerResponse;
import io.podshim.cri.v1.StopPodSandboxRequest;
import io.podshim.cri.v1.StopPodSandboxResponse;
import io.podshim.cri.v1.UpdateContainerResourcesRequest;
import io.podshim.cri.v1.UpdateContainerResourcesResponse;
import io.podshim.cri.v1.UpdateRuntimeConfigRequest;
import io.podshim.cri.v1.UpdateRuntimeConfigResponse;
import io.podshim.cri.v1.VersionRequest;
import io.podshim.cri.v1.VersionResponse;
import io.podshim.runtime.container.ContainerExec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * runtime.v1 RuntimeService: what kubelet asks of the runtime, each call turned into one of the
 * {@link CriRuntime}'s and its answer into the CRI's messages. The calls this class does not
 * override answer UNIMPLEMENTED, as gRPC's base does, which kubelet reads as "not supported".
 */
final class CriRuntimeService extends RuntimeServiceGrpc.RuntimeServiceImplBase {
    /** The CRI generation podshim speaks: kubelet refuses a runtime whose answer is not this. */
    static final String API_VERSION = "v1";
    static final String RUNTIME_NAME = "podshim";

    private final RuntimeConditions conditions;
    private final CriRuntime runtime;
    private final CriStreamingServer streaming;

    CriRuntimeService(RuntimeConditions conditions, CriRuntime runtime, CriStreamingServer streaming) {
        this.conditions = conditions;
        this.runtime = runtime;
        this.streaming = streaming;
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
        // "version" is the kubelet API's own version, fixed at 0.1.0 by every runtime.
        answer(response, () -> VersionResponse.newBuilder().setVersion("0.1.0").setRuntimeName(RUNTIME_NAME)
                .setRuntimeVersion(io.podshim.runtime.cli.Cli.version()).setRuntimeApiVersion(API_VERSION).build());
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
        answer(response, () -> StatusResponse.newBuilder().setStatus(RuntimeStatus.newBuilder().addAllConditions(conditions.now()))
                .build());
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> response) {
        // podshim writes cgroupfs paths itself (no systemd slices): kubelet must use the same driver.
        answer(response, () -> RuntimeConfigResponse.newBuilder().setLinux(LinuxRuntimeConfiguration.newBuilder()
                .setCgroupDriver(CgroupDriver.CGROUPFS)).build());
    }

    @Override
    public void updateRuntimeConfig(UpdateRuntimeConfigRequest request, StreamObserver<UpdateRuntimeConfigResponse> response) {
        // kubelet sends the node's pod CIDR; the CNI network's own IPAM says what pods get, as with containerd.
        answer(response, UpdateRuntimeConfigResponse::getDefaultInstance);
    }

    // ---- sandboxes ----

    @Override
    public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> response) {
        answer(response, () -> {
            if (!request.getRuntimeHandler().isEmpty()) {
                throw io.podshim.runtime.PodException.invalid("runtime_handler", "\"" + request.getRuntimeHandler()
                        + "\" is not a handler of podshim's: leave it empty (no RuntimeClass)");
            }
            return RunPodSandboxResponse.newBuilder().setPodSandboxId(runtime.runSandbox(request.getConfig())).build();
        });
    }

    @Override
    public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> response) {
        answer(response, () -> {
            runtime.stopSandbox(request.getPodSandboxId());
            return StopPodSandboxResponse.getDefaultInstance();
        });
    }

    @Override
    public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> response) {
        answer(response, () -> {
            runtime.removeSandbox(request.getPodSandboxId());
            return RemovePodSandboxResponse.getDefaultInstance();
        });
    }

    @Override
    public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> response) {
        answer(response, () -> {
            CriSandbox s = runtime.sandbox(request.getPodSandboxId());
            PodSandboxStatusResponse.Builder answer = PodSandboxStatusResponse.newBuilder().setStatus(CriMessages.sandbox(s))
                    .setTimestamp(CriRuntime.nowNanos());
            if (request.getVerbose() && s.handle != null) {
                answer.putInfo("info", "{\"pid\":" + s.handle.sandbox().pausePid() + ",\"cgroup\":\"" + s.cgroup + "\"}");
            }
            return answer.build();
        });
    }

    @Override
    public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> response) {
        answer(response, () -> {
            PodSandboxFilter f = request.getFilter();
            ListPodSandboxResponse.Builder list = ListPodSandboxResponse.newBuilder();
            for (CriSandbox s : runtime.sandboxes()) {
                if ((f.getId().isEmpty() || s.id.startsWith(f.getId())) && (!f.hasState() || f.getState().getState() == CriMessages.state(s))
                        && labelsMatch(f.getLabelSelectorMap(), s.config.getLabelsMap())) {
                    list.addItems(PodSandbox.newBuilder().setId(s.id).setMetadata(s.config.getMetadata()).setState(CriMessages.state(s))
                            .setCreatedAt(s.createdAtNanos).putAllLabels(s.config.getLabelsMap())
                            .putAllAnnotations(s.config.getAnnotationsMap()));
                }
            }
            return list.build();
        });
    }

    static boolean labelsMatch(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    // ---- containers ----

    @Override
    public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> response) {
        answer(response, () -> CreateContainerResponse.newBuilder().setContainerId(runtime.createContainer(request.getPodSandboxId(),
                request.getConfig())).build());
    }

    @Override
    public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> response) {
        answer(response, () -> {
            runtime.startContainer(request.getContainerId());
            return StartContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> response) {
        answer(response, () -> {
            runtime.stopContainer(request.getContainerId(), request.getTimeout());
            return StopContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> response) {
        answer(response, () -> {
            runtime.removeContainer(request.getContainerId());
            return RemoveContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> response) {
        answer(response, () -> {
            ContainerFilter f = request.getFilter();
            ListContainersResponse.Builder list = ListContainersResponse.newBuilder();
            for (CriContainer c : runtime.containers()) {
                synchronized (c) {
                    if ((f.getId().isEmpty() || c.id.startsWith(f.getId()))
                            && (f.getPodSandboxId().isEmpty() || c.sandbox.id.startsWith(f.getPodSandboxId()))
                            && (!f.hasState() || f.getState().getState() == c.state)
                            && labelsMatch(f.getLabelSelectorMap(), c.config.getLabelsMap())) {
                        list.addContainers(Container.newBuilder().setId(c.id).setPodSandboxId(c.sandbox.id)
                                .setMetadata(c.config.getMetadata()).setImage(c.config.getImage()).setImageRef(c.imageRef())
                                .setState(c.state).setCreatedAt(c.createdAtNanos).putAllLabels(c.config.getLabelsMap())
                                .putAllAnnotations(c.config.getAnnotationsMap()));
                    }
                }
            }
            return list.build();
        });
    }

    @Override
    public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> response) {
        answer(response, () -> {
            CriContainer c = runtime.container(request.getContainerId());
            synchronized (c) {
                ContainerStatusResponse.Builder answer = ContainerStatusResponse.newBuilder().setStatus(CriMessages.container(c));
                if (request.getVerbose() && c.process != null) {
                    answer.putInfo("info", "{\"pid\":" + c.process.pid() + ",\"cgroup\":\"" + c.cgroup + "\"}");
                }
                return answer.build();
            }
        });
    }

    @Override
    public void updateContainerResources(UpdateContainerResourcesRequest request,
                                         StreamObserver<UpdateContainerResourcesResponse> response) {
        answer(response, () -> {
            runtime.updateResources(request.getContainerId(), request.getLinux());
            return UpdateContainerResourcesResponse.getDefaultInstance();
        });
    }

    @Override
    public void reopenContainerLog(ReopenContainerLogRequest request, StreamObserver<ReopenContainerLogResponse> response) {
        answer(response, () -> {
            runtime.reopenLog(request.getContainerId());
            return ReopenContainerLogResponse.getDefaultInstance();
        });
    }

    @Override
    public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> response) {
        answer(response, () -> {
            ContainerExec.Result r = runtime.execSync(request.getContainerId(), request.getCmdList(),
                    request.getTimeout() > 0 ? Duration.ofSeconds(request.getTimeout()) : null);
            return ExecSyncResponse.newBuilder().setExitCode(r.exitCode())
                    .setStdout(ByteString.copyFrom(r.stdout(), StandardCharsets.UTF_8))
                    .setStderr(ByteString.copyFrom(r.stderr(), StandardCharsets.UTF_8)).build();
        });
    }

    // ---- streams: a URL on the streaming server, where the client upgrades to SPDY ----

    @Override
    public void exec(io.podshim.cri.v1.ExecRequest request, StreamObserver<io.podshim.cri.v1.ExecResponse> response) {
        answer(response, () -> {
            if (request.getCmdCount() == 0) {
                throw io.podshim.runtime.PodException.invalid("cmd", "required: the command to run");
            }
            requireOneStream(request.getStdin(), request.getStdout(), request.getStderr());
            if (request.getTty() && request.getStderr()) {
                throw io.podshim.runtime.PodException.invalid("stderr", "cannot be given with tty: a terminal has one output");
            }
            CriContainer c = runtime.container(request.getContainerId()); // NOT_FOUND now, not at the URL
            String what = "exec " + request.getCmd(0) + " in container " + c.id;
            return io.podshim.cri.v1.ExecResponse.newBuilder().setUrl(streaming.url("exec", new CriStreamingServer.Command(
                    () -> new io.podshim.runtime.stream.ExecStreams(runtime.execSession(c.id, request.getCmdList(), request.getStdin(),
                            request.getTty()), what),
                    io.podshim.runtime.stream.SpdyRemoteCommand.channels(request.getStdin(), request.getStdout(), request.getStderr(),
                            request.getTty())))).build();
        });
    }

    @Override
    public void attach(io.podshim.cri.v1.AttachRequest request, StreamObserver<io.podshim.cri.v1.AttachResponse> response) {
        answer(response, () -> {
            requireOneStream(request.getStdin(), request.getStdout(), request.getStderr());
            CriContainer c = runtime.container(request.getContainerId());
            boolean tty = c.config.getTty(); // the container's, whatever the request says, as containerd takes it
            return io.podshim.cri.v1.AttachResponse.newBuilder().setUrl(streaming.url("attach", new CriStreamingServer.Command(
                    () -> new io.podshim.runtime.stream.AttachStreams(runtime.attach(c.id, request.getStdin())),
                    io.podshim.runtime.stream.SpdyRemoteCommand.channels(request.getStdin(), request.getStdout(),
                            request.getStderr() && !tty, tty)))).build();
        });
    }

    @Override
    public void portForward(io.podshim.cri.v1.PortForwardRequest request, StreamObserver<io.podshim.cri.v1.PortForwardResponse> response) {
        answer(response, () -> {
            CriSandbox s = runtime.sandbox(request.getPodSandboxId());
            return io.podshim.cri.v1.PortForwardResponse.newBuilder().setUrl(streaming.url("portforward",
                    new CriStreamingServer.Forward(port -> runtime.connect(s.id, port), request.getPortList()))).build();
        });
    }

    private static void requireOneStream(boolean stdin, boolean stdout, boolean stderr) {
        if (!stdin && !stdout && !stderr) {
            throw io.podshim.runtime.PodException.invalid("stdin, stdout, stderr", "one of them must be true");
        }
    }

    /** Container events as they happen, for as long as the client keeps the stream (kubelet's evented PLEG, crictl events). */
    @Override
    public void getContainerEvents(io.podshim.cri.v1.GetEventsRequest request,
                                   StreamObserver<io.podshim.cri.v1.ContainerEventResponse> response) {
        io.grpc.stub.ServerCallStreamObserver<io.podshim.cri.v1.ContainerEventResponse> stream =
                (io.grpc.stub.ServerCallStreamObserver<io.podshim.cri.v1.ContainerEventResponse>) response;
        AutoCloseable listening = runtime.listen(event -> {
            synchronized (stream) {
                if (stream.isCancelled()) {
                    throw new IllegalStateException("the client went away");
                }
                stream.onNext(event);
            }
        });
        stream.setOnCancelHandler(() -> {
            try {
                listening.close();
            } catch (Exception e) {
                // removing a listener cannot fail
            }
        });
    }

    // ---- statistics ----

    @Override
    public void containerStats(ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> response) {
        answer(response, () -> ContainerStatsResponse.newBuilder().setStats(CriStats.container(
                runtime.container(request.getContainerId()), runtime.core().cgroupManager())).build());
    }

    @Override
    public void listContainerStats(ListContainerStatsRequest request, StreamObserver<ListContainerStatsResponse> response) {
        answer(response, () -> {
            var f = request.getFilter();
            ListContainerStatsResponse.Builder list = ListContainerStatsResponse.newBuilder();
            for (CriContainer c : runtime.containers()) {
                if (c.state == io.podshim.cri.v1.ContainerState.CONTAINER_RUNNING && (f.getId().isEmpty() || c.id.startsWith(f.getId()))
                        && (f.getPodSandboxId().isEmpty() || c.sandbox.id.startsWith(f.getPodSandboxId()))
                        && labelsMatch(f.getLabelSelectorMap(), c.config.getLabelsMap())) {
                    list.addStats(CriStats.container(c, runtime.core().cgroupManager()));
                }
            }
            return list.build();
        });
    }

    @Override
    public void podSandboxStats(PodSandboxStatsRequest request, StreamObserver<PodSandboxStatsResponse> response) {
        answer(response, () -> {
            CriSandbox s = runtime.sandbox(request.getPodSandboxId());
            return PodSandboxStatsResponse.newBuilder().setStats(CriStats.sandbox(s, runtime.containersOf(s),
                    runtime.core().cgroupManager())).build();
        });
    }

    @Override
    public void listPodSandboxStats(ListPodSandboxStatsRequest request, StreamObserver<ListPodSandboxStatsResponse> response) {
        answer(response, () -> {
            var f = request.getFilter();
            ListPodSandboxStatsResponse.Builder list = ListPodSandboxStatsResponse.newBuilder();
            for (CriSandbox s : runtime.sandboxes()) {
                if (s.ready() && (f.getId().isEmpty() || s.id.startsWith(f.getId()))
                        && labelsMatch(f.getLabelSelectorMap(), s.config.getLabelsMap())) {
                    list.addStats(CriStats.sandbox(s, runtime.containersOf(s), runtime.core().cgroupManager()));
                }
            }
            return list.build();
        });
    }
}
