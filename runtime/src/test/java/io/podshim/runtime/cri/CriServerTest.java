package io.podshim.runtime.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.podshim.cri.v1.CgroupDriver;
import io.podshim.cri.v1.CheckpointContainerRequest;
import io.podshim.cri.v1.ListImagesRequest;
import io.podshim.cri.v1.RuntimeCondition;
import io.podshim.cri.v1.RuntimeConfigRequest;
import io.podshim.cri.v1.RuntimeServiceGrpc;
import io.podshim.cri.v1.ImageServiceGrpc;
import io.podshim.cri.v1.StatusRequest;
import io.podshim.cri.v1.VersionRequest;
import io.podshim.cri.v1.VersionResponse;
import io.podshim.runtime.PodException;
import io.podshim.runtime.network.NetworkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.podshim.testing.HostTest;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.registry.PullSettings;
import io.podshim.runtime.image.registry.RegistriesConf;

/**
 * The CRI's gRPC server on a real unix socket, dialled as crictl dials it (gRPC over HTTP/2 on the
 * socket). A host test: the runtime behind the server installs its pause and makes cgroups.
 */
@HostTest
class CriServerTest {
    private Path dir;

    private EventLoopGroup clientLoop;
    private ManagedChannel channel;

    @BeforeEach
    void loop() throws java.io.IOException {
        // Root-owned and not world-writable, as the runtime wants the directory it installs its helpers in.
        dir = Files.createDirectories(Path.of("/run/podshim-cri-server-test-" + java.util.UUID.randomUUID().toString().substring(0, 8)));
        clientLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void close() throws InterruptedException, java.io.IOException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        clientLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        io.podshim.runtime.FileTrees.delete(dir);
    }

    private ManagedChannel dial(Path socket) {
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(clientLoop).usePlaintext().build();
        return channel;
    }

    /** A CRI runtime of the test's own, under {@code dir}, nothing started. */
    private CriRuntime runtime(String name, NetworkSettings network) {
        return new CriRuntime(dir.resolve(name), "podshim-cri-server-test", network,
                new CriImages(new ImageStore(dir.resolve("images")), new PullSettings(null, null, RegistriesConf.NONE)));
    }

    private NetworkSettings cni(Path conf, Path bin) {
        return new NetworkSettings(NetworkSettings.Mode.CNI, conf, List.of(bin), NetworkSettings.DEFAULT_SUBNET, dir.resolve("net"));
    }

    @Test
    void answersVersionStatusAndRuntimeConfigAsKubeletAsksAtStart() throws Exception {
        Path socket = dir.resolve("cri.sock");
        Path conf = Files.createDirectories(dir.resolve("net.d"));
        NetworkSettings settings = cni(conf, Files.createDirectories(dir.resolve("bin")));
        try (CriServer server = CriServer.start(socket, settings, runtime("state", settings))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)),
                    "whoever reaches the socket runs containers as root");
            RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime = RuntimeServiceGrpc.newBlockingStub(dial(socket));

            VersionResponse version = runtime.version(VersionRequest.newBuilder().setVersion("v1").build());
            assertEquals("podshim", version.getRuntimeName());
            assertEquals("v1", version.getRuntimeApiVersion(), "kubelet refuses any other");
            assertEquals(io.podshim.runtime.cli.Cli.version(), version.getRuntimeVersion());

            Map<String, RuntimeCondition> conditions = runtime.status(StatusRequest.getDefaultInstance()).getStatus()
                    .getConditionsList().stream().collect(Collectors.toMap(RuntimeCondition::getType, c -> c));
            assertTrue(conditions.get("RuntimeReady").getStatus());
            RuntimeCondition network = conditions.get("NetworkReady");
            assertFalse(network.getStatus(), "no network configured and no bridge plugin to make one");
            assertEquals("NetworkPluginNotReady", network.getReason());
            assertTrue(network.getMessage().contains(conf.toString()), network.getMessage());

            // A network appears in the conf dir: the next Status says so, as kubelet polls it.
            Files.writeString(conf.resolve("10-pods.conflist"), "{}");
            assertTrue(runtime.status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList().stream()
                    .filter(c -> c.getType().equals("NetworkReady")).findFirst().orElseThrow().getStatus());

            assertEquals(CgroupDriver.CGROUPFS, runtime.runtimeConfig(RuntimeConfigRequest.getDefaultInstance()).getLinux()
                    .getCgroupDriver(), "kubelet must write the same kind of cgroup paths as podshim");

            StatusRuntimeException optional = assertThrows(StatusRuntimeException.class, () ->
                    runtime.checkpointContainer(CheckpointContainerRequest.newBuilder().setContainerId("x").build()));
            assertEquals(Status.Code.UNIMPLEMENTED, optional.getStatus().getCode());
            assertEquals(List.of(), ImageServiceGrpc.newBlockingStub(channel).listImages(ListImagesRequest.getDefaultInstance())
                    .getImagesList(), "an empty store");
        }
        assertFalse(Files.exists(socket), "the socket goes with the server");
    }

    @Test
    void replacesAStaleSocketAndRefusesALiveOne() throws Exception {
        Path socket = dir.resolve("cri.sock");
        Files.createFile(socket); // what a daemon killed with SIGKILL leaves: nobody answers on it
        try (CriServer server = CriServer.start(socket, NetworkSettings.none(), runtime("state", NetworkSettings.none()))) {
            PodException refused = assertThrows(PodException.class, () -> CriServer.start(socket, NetworkSettings.none(),
                    runtime("other", NetworkSettings.none())));
            assertTrue(refused.getMessage().contains("another runtime listens on " + socket), refused.getMessage());
            // The one that runs still answers.
            assertTrue(RuntimeServiceGrpc.newBlockingStub(dial(socket)).status(StatusRequest.getDefaultInstance()).getStatus()
                    .getConditionsList().stream().allMatch(RuntimeCondition::getStatus), "loopback-only pods need no network");
        }
    }
}
