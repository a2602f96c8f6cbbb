package io.podshim.runtime.cri;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The client side of Kubernetes' SPDY streaming, as kubelet and crictl speak it: a POST to the URL
 * the runtime gave, upgraded to SPDY/3.1 with the protocol offered, then streams opened by the
 * client (SYN_STREAM with its headers, waited on for the server's SYN_REPLY), written to and read
 * to their end. Written for the tests from the protocol, with netty's SPDY framing.
 */
final class SpdyClient implements AutoCloseable {
    /** One stream: what the server sent on it, complete once the server ended its side (FIN). */
    static final class Stream {
        final int id;
        final CompletableFuture<Void> replied = new CompletableFuture<>();
        final CompletableFuture<String> ended = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        Stream(int id) {
            this.id = id;
        }

        String text(Duration patience) throws Exception {
            return ended.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final CompletableFuture<FullHttpResponse> upgraded = new CompletableFuture<>();
    private final Channel channel;
    private int nextId = 1;

    /** Connects to {@code url} and upgrades, offering {@code protocol}; fails with the server's answer if it refuses. */
    SpdyClient(String url, String protocol) throws Exception {
        URI uri = URI.create(url);
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast("http", new HttpClientCodec()).addLast("aggregate", new HttpObjectAggregator(64 * 1024))
                        .addLast("upgrade", new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                if (response.status().code() == 101) {
                                    var pipeline = ctx.pipeline();
                                    pipeline.remove("aggregate");
                                    pipeline.addAfter("http", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
                                    pipeline.addLast("frames", new Frames());
                                    pipeline.remove("http");
                                    pipeline.remove(this);
                                }
                                upgraded.complete(response.retainedDuplicate());
                            }
                        });
            }
        }).connect(uri.getHost(), uri.getPort()).sync().channel();
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri.getRawPath());
        request.headers().set("Host", uri.getHost() + ":" + uri.getPort()).set("Connection", "Upgrade").set("Upgrade", "SPDY/3.1")
                .add("X-Stream-Protocol-Version", protocol).set("Content-Length", "0");
        channel.writeAndFlush(request);
        FullHttpResponse response = upgraded.get(10, TimeUnit.SECONDS);
        if (response.status().code() != 101) {
            String body = response.content().toString(StandardCharsets.UTF_8);
            close();
            throw new IllegalStateException(response.status() + ": " + body.strip());
        }
    }

    private final class Frames extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object frame) {
            if (frame instanceof SpdySynReplyFrame reply) {
                streams.get(reply.streamId()).replied.complete(null);
            } else if (frame instanceof SpdyDataFrame data) {
                Stream s = streams.get(data.streamId());
                ByteBuf content = data.content();
                byte[] bytes = new byte[content.readableBytes()];
                content.readBytes(bytes);
                synchronized (s) {
                    s.received.writeBytes(bytes);
                    if (data.isLast()) {
                        s.ended.complete(s.received.toString(StandardCharsets.UTF_8));
                    }
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            streams.values().forEach(s -> s.ended.completeExceptionally(new IllegalStateException("the connection closed before the"
                    + " stream ended; it had: " + s.received.toString(StandardCharsets.UTF_8))));
        }
    }

    /** Opens a stream with {@code headers} and waits for the server to accept it. */
    Stream open(Map<String, String> headers) throws Exception {
        Stream s;
        DefaultSpdySynStreamFrame syn;
        synchronized (this) {
            s = new Stream(nextId);
            nextId += 2;
            streams.put(s.id, s);
            syn = new DefaultSpdySynStreamFrame(s.id, 0, (byte) 0);
            headers.forEach((k, v) -> syn.headers().set(k, v));
        }
        channel.writeAndFlush(syn).sync();
        s.replied.get(10, TimeUnit.SECONDS);
        return s;
    }

    void send(Stream s, String text, boolean last) throws InterruptedException {
        SpdyDataFrame data = new DefaultSpdyDataFrame(s.id, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        data.setLast(last);
        channel.writeAndFlush(data).sync();
    }

    @Override
    public void close() throws InterruptedException {
        channel.close().sync();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
