package io.podshim.runtime.cri;

import io.grpc.ManagedChannel;
import io.podshim.cri.v1.ImageServiceGrpc;
import io.podshim.cri.v1.RuntimeServiceGrpc;
import io.podshim.runtime.FileTrees;
import io.podshim.runtime.container.BusyboxImage;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.ImportProgress;
import io.podshim.runtime.image.registry.PullSettings;
import io.podshim.runtime.network.NetworkSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A node's CRI for host tests: an image store with {@code busybox:local}, a CRI runtime with a
 * state directory and cgroup root of its own, its server on a real unix socket, and a client
 * dialled as crictl dials it (gRPC over HTTP/2 on the socket). {@link #close} removes it all.
 */
final class CriNode implements AutoCloseable {
    static final String IMAGE = "busybox:local";

    final Path base;
    final String cgroupRoot;
    final Path socket;
    final ImageStore images;
    final CriServer server;
    private final CriClient client;
    final ManagedChannel channel;
    final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
    final ImageServiceGrpc.ImageServiceBlockingStub imageService;

    CriNode(NetworkSettings network, PullSettings pulls) throws IOException, InterruptedException {
        String id = UUID.randomUUID().toString().substring(0, 8);
        base = Path.of("/run/podshim-cri-test-" + id);
        cgroupRoot = "podshim-cri-test-" + id;
        socket = base.resolve("cri.sock");
        images = new ImageStore(base.resolve("images"));
        images.importImage(BusyboxImage.create(base.resolve("busybox")), IMAGE, ImportProgress.NONE);
        server = CriServer.start(socket, network, new CriRuntime(base.resolve("state"), cgroupRoot, network, new CriImages(images, pulls)));
        client = new CriClient(socket);
        channel = client.channel;
        runtime = client.runtime;
        imageService = client.images;
    }

    CriNode() throws IOException, InterruptedException {
        this(NetworkSettings.none(), new PullSettings(null, null, io.podshim.runtime.image.registry.RegistriesConf.NONE));
    }

    /** A sandbox as kubelet asks for one: metadata, hostname, a log directory under {@code logs}, labels, the pid namespace option. */
    static io.podshim.cri.v1.PodSandboxConfig sandbox(String name, Path logs, io.podshim.cri.v1.NamespaceMode pid) {
        String uid = java.util.UUID.randomUUID().toString();
        return io.podshim.cri.v1.PodSandboxConfig.newBuilder()
                .setMetadata(io.podshim.cri.v1.PodSandboxMetadata.newBuilder().setName(name).setNamespace("default").setUid(uid))
                .setHostname(name).setLogDirectory(logs.resolve("default_" + name + "_" + uid).toString())
                .putLabels("app", name).putAnnotations("note", "from the test")
                .setLinux(io.podshim.cri.v1.LinuxPodSandboxConfig.newBuilder().setSecurityContext(io.podshim.cri.v1.LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(io.podshim.cri.v1.NamespaceOption.newBuilder().setPid(pid))))
                .build();
    }

    /** A running container's pid on the host, as its verbose ContainerStatus gives it. */
    static long pid(RuntimeServiceGrpc.RuntimeServiceBlockingStub cri, String container) {
        String info = cri.containerStatus(io.podshim.cri.v1.ContainerStatusRequest.newBuilder().setContainerId(container)
                .setVerbose(true).build()).getInfoMap().get("info");
        return Long.parseLong(info.replaceAll(".*\"pid\":(\\d+).*", "$1"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            // The runtime leaves its sandboxes running when it stops (they are kubelet's): the test's go first.
            runtime.listPodSandbox(io.podshim.cri.v1.ListPodSandboxRequest.getDefaultInstance()).getItemsList().forEach(p ->
                    runtime.removePodSandbox(io.podshim.cri.v1.RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build()));
            client.close();
            server.close();
        } finally {
            FileTrees.delete(base);
        }
    }
}
