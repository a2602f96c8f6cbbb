package io.podshim.runtime.cri;

import io.grpc.stub.StreamObserver;
import io.podshim.cri.v1.CgroupDriver;
import io.podshim.cri.v1.LinuxRuntimeConfiguration;
import io.podshim.cri.v1.RuntimeConfigRequest;
import io.podshim.cri.v1.RuntimeConfigResponse;
import io.podshim.cri.v1.RuntimeServiceGrpc;
import io.podshim.cri.v1.RuntimeStatus;
import io.podshim.cri.v1.StatusRequest;
import io.podshim.cri.v1.StatusResponse;
import io.podshim.cri.v1.UpdateRuntimeConfigRequest;
import io.podshim.cri.v1.UpdateRuntimeConfigResponse;
import io.podshim.cri.v1.VersionRequest;
import io.podshim.cri.v1.VersionResponse;

/**
 * runtime.v1 RuntimeService: what kubelet asks of the runtime. The calls this class does not
 * override answer UNIMPLEMENTED, as gRPC's base does, which kubelet reads as "not supported".
 */
final class CriRuntimeService extends RuntimeServiceGrpc.RuntimeServiceImplBase {
    /** The CRI generation podshim speaks: kubelet refuses a runtime whose answer is not this. */
    static final String API_VERSION = "v1";
    static final String RUNTIME_NAME = "podshim";

    private final RuntimeConditions conditions;

    CriRuntimeService(RuntimeConditions conditions) {
        this.conditions = conditions;
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
        // "version" is the kubelet API's own version, fixed at 0.1.0 by every runtime.
        reply(response, VersionResponse.newBuilder().setVersion("0.1.0").setRuntimeName(RUNTIME_NAME)
                .setRuntimeVersion(io.podshim.runtime.cli.Cli.version()).setRuntimeApiVersion(API_VERSION).build());
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
        reply(response, StatusResponse.newBuilder().setStatus(RuntimeStatus.newBuilder().addAllConditions(conditions.now()))
                .build());
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> response) {
        // podshim writes cgroupfs paths itself (no systemd slices): kubelet must use the same driver.
        reply(response, RuntimeConfigResponse.newBuilder().setLinux(LinuxRuntimeConfiguration.newBuilder()
                .setCgroupDriver(CgroupDriver.CGROUPFS)).build());
    }

    @Override
    public void updateRuntimeConfig(UpdateRuntimeConfigRequest request, StreamObserver<UpdateRuntimeConfigResponse> response) {
        // kubelet sends the node's pod CIDR; the CNI network's own IPAM says what pods get, as with containerd.
        reply(response, UpdateRuntimeConfigResponse.getDefaultInstance());
    }

    static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
