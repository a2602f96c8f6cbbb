package io.podshim.runtime.cri;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.podshim.runtime.PodException;
import io.podshim.runtime.network.NetworkSettings;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * The Container Runtime Interface on a unix socket: what kubelet and crictl dial
 * ({@code unix:///run/podshim/cri.sock}). gRPC over HTTP/2 on netty's epoll transport, the only
 * one of netty's with unix sockets. The socket is root-only (0600), as the API's: whoever reaches
 * it runs containers as root. A stale socket from a daemon that died is replaced; a live one is
 * refused.
 */
public final class CriServer implements AutoCloseable {
    private final Path socket;
    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final CriRuntime runtime;
    private final CriStreamingServer streaming;

    private CriServer(Path socket, Server server, EventLoopGroup boss, EventLoopGroup workers, CriRuntime runtime,
                      CriStreamingServer streaming) {
        this.socket = socket;
        this.runtime = runtime;
        this.streaming = streaming;
        this.server = server;
        this.boss = boss;
        this.workers = workers;
    }

    /**
     * Listens on {@code socket} for the runtime and image services of this node, carried out by
     * {@code runtime}, which the server owns from here (closed with it, or at once if it cannot listen).
     */
    public static CriServer start(Path socket, NetworkSettings network, CriRuntime runtime) throws IOException {
        return start(socket, network, runtime, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
    }

    /** @param streaming where Exec, Attach and PortForward send their clients (a loopback address; port 0: any free one) */
    public static CriServer start(Path socket, NetworkSettings network, CriRuntime runtime, java.net.InetSocketAddress streaming)
            throws IOException {
        CriStreamingServer streams;
        try {
            claim(socket);
            streams = CriStreamingServer.start(streaming);
        } catch (IOException | RuntimeException e) {
            runtime.close();
            throw e;
        }
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                // kubelet's own bound on what it sends and takes (16 MiB): a node's lists can be long.
                .maxInboundMessageSize(16 << 20)
                .addService(new CriRuntimeService(new RuntimeConditions(network), runtime, streams))
                .addService(new CriImageService(runtime.images()))
                .build();
        try {
            server.start();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.shutdownNow();
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            streams.close();
            runtime.close();
            throw new PodException("listen on " + socket + " (the CRI socket): " + e.getMessage(), e);
        }
        return new CriServer(socket, server, boss, workers, runtime, streams);
    }

    public Path socket() {
        return socket;
    }

    private static void claim(Path socket) throws IOException {
        Files.createDirectories(socket.getParent());
        if (!Files.exists(socket)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new PodException("another runtime listens on " + socket + ": stop it first, or give --cri-socket");
        } catch (IOException refused) {
            Files.delete(socket); // nobody answers: a daemon died without removing it
        }
    }

    /**
     * Stops taking calls, lets those under way end (a few seconds at most), removes the socket, and
     * then every sandbox the CRI made: until they are taken over across a restart, none is left unowned.
     */
    @Override
    public void close() throws IOException {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        Files.deleteIfExists(socket);
        streaming.close();
        runtime.close();
    }
}
