package io.podshim.runtime.cri;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.podshim.cri.v1.ImageServiceGrpc;
import io.podshim.cri.v1.RuntimeServiceGrpc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A CRI client on a unix socket, dialled as crictl and kubelet dial it (gRPC over HTTP/2 on the socket). */
final class CriClient implements AutoCloseable {
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    final ManagedChannel channel;
    final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
    final ImageServiceGrpc.ImageServiceBlockingStub images;

    CriClient(Path socket) {
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString())).channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(loop).usePlaintext().build();
        runtime = RuntimeServiceGrpc.newBlockingStub(channel);
        images = ImageServiceGrpc.newBlockingStub(channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
