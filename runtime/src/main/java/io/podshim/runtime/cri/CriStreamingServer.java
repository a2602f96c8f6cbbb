package io.podshim.runtime.cri;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.podshim.runtime.PodException;
import io.podshim.runtime.stream.SpdySession;
import io.podshim.runtime.stream.StreamProtocol;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where the CRI's Exec, Attach and PortForward send their clients: an HTTP server on the node's
 * loopback, as kubelet's runtimes serve it. Each call gets a URL with a random one-time token
 * ({@code /exec/TOKEN}), good for a minute, as kubelet's own streaming server gives them; the
 * client upgrades its request to SPDY/3.1 and speaks {@code v4.channel.k8s.io} (exec, attach) or
 * {@code portforward.k8s.io} on it, as this generation's kubelet and crictl do; or to a WebSocket
 * ({@code v5.channel.k8s.io}, {@code v4.channel.k8s.io}, {@code portforward.k8s.io}), as newer
 * clients do, each binary message a frame whose first byte is its channel.
 */
public final class CriStreamingServer implements AutoCloseable {
    /** How long a URL is good for, and how long a client has to open its streams once connected. */
    private static final Duration TOKEN_LIFE = Duration.ofMinutes(1);
    private static final Duration STREAMS_WITHIN = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a URL is for: a remote command (with the channels its request named) or port forwarding. */
    sealed interface Session permits Command, Forward {}

    /** Starts the command once the client's streams are there. */
    record Command(java.util.function.Supplier<io.podshim.runtime.stream.StreamHandler> start, java.util.Set<Integer> channels)
            implements Session {}

    /** @param ports the ports the request named: what a WebSocket forwards (SPDY names them per stream) */
    record Forward(java.util.function.IntFunction<io.podshim.linux.TcpSocket> connect, List<Integer> ports) implements Session {}

    private record Pending(String kind, Session session, long expiresNanos) {}

    private final EventLoopGroup group;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private volatile Channel listening;
    private volatile String base;

    private CriStreamingServer(EventLoopGroup group) {
        this.group = group;
    }

    /** Listens on {@code address} (a loopback address; port 0 takes a free one). */
    public static CriStreamingServer start(InetSocketAddress address) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        CriStreamingServer server = new CriStreamingServer(group);
        try {
            server.listening = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("http", new HttpServerCodec()).addLast("aggregate", new HttpObjectAggregator(64 * 1024))
                                    .addLast("upgrade", server.new Upgrade());
                        }
                    }).bind(address).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new PodException("listen on " + address + " (the CRI's streaming server): " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) server.listening.localAddress();
        server.base = "http://" + bound.getAddress().getHostAddress() + ":" + bound.getPort();
        return server;
    }

    /** The address clients are sent to. */
    public String base() {
        return base;
    }

    /** A one-time URL for {@code session} ({@code kind}: exec, attach or portforward). */
    String url(String kind, Session session) {
        long now = System.nanoTime();
        pending.values().removeIf(p -> p.expiresNanos < now);
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(token, new Pending(kind, session, now + TOKEN_LIFE.toNanos()));
        return base + "/" + kind + "/" + token;
    }

    /** The HTTP request a client makes with its URL: answered 101 and turned into a SPDY session or a WebSocket, or refused. */
    private final class Upgrade extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String[] path = request.uri().replaceFirst("\\?.*", "").split("/");
            Pending p = path.length == 3 ? pending.remove(path[2]) : null;
            if (p == null || !p.kind.equals(path[1]) || p.expiresNanos < System.nanoTime()) {
                refuse(ctx, HttpResponseStatus.NOT_FOUND, "no such stream, or its URL was used or is over a minute old: ask the"
                        + " runtime again");
                return;
            }
            String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "");
            if (upgrade.equalsIgnoreCase("websocket")) {
                webSocket(ctx, request, p.session);
                return;
            }
            if (!upgrade.equalsIgnoreCase("SPDY/3.1")) {
                refuse(ctx, HttpResponseStatus.BAD_REQUEST, "upgrade to SPDY/3.1 or websocket (Upgrade: "
                        + (upgrade.isEmpty() ? "none" : upgrade) + ")");
                return;
            }
            List<String> offered = request.headers().getAll("X-Stream-Protocol-Version").stream()
                    .flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::trim).toList();
            String protocol = p.session instanceof Forward ? StreamProtocol.PORT_FORWARD : StreamProtocol.V4;
            if (!offered.contains(protocol)) {
                refuse(ctx, HttpResponseStatus.FORBIDDEN, "no protocol in common: this server speaks " + protocol + ", the client offered "
                        + offered);
                return;
            }
            FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
            switching.headers().set(HttpHeaderNames.CONNECTION, "Upgrade").set(HttpHeaderNames.UPGRADE, "SPDY/3.1")
                    .set("X-Stream-Protocol-Version", protocol);
            SpdySession.Listener listener = p.session instanceof Command c ? new io.podshim.runtime.stream.SpdyRemoteCommand(c.start(),
                    c.channels()) : new io.podshim.runtime.stream.SpdyPortForward(((Forward) p.session).connect());
            ctx.writeAndFlush(switching).addListener((ChannelFutureListener) done -> {
                var pipeline = ctx.pipeline();
                pipeline.remove("aggregate");
                pipeline.addAfter("http", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
                pipeline.addLast("session", new SpdySession(listener));
                pipeline.remove("http");
                pipeline.remove(this);
            });
            if (listener instanceof io.podshim.runtime.stream.SpdyRemoteCommand command) {
                ctx.channel().eventLoop().schedule(() -> {
                    if (!command.started()) {
                        ctx.close(); // streams that never all came: nothing was started
                    }
                }, STREAMS_WITHIN.toSeconds(), TimeUnit.SECONDS);
            }
        }

        /** The WebSocket handshake, then the stream's handler over its messages; what cannot be started is refused before it. */
        private void webSocket(ChannelHandlerContext ctx, FullHttpRequest request, Session session) {
            List<String> protocols = session instanceof Forward ? List.of(StreamProtocol.PORT_FORWARD) : StreamProtocol.REMOTE_COMMAND;
            List<String> offered = java.util.Arrays.stream(request.headers().get("Sec-WebSocket-Protocol", "").split(","))
                    .map(String::trim).toList();
            if (protocols.stream().noneMatch(offered::contains)) {
                refuse(ctx, HttpResponseStatus.BAD_REQUEST, "no protocol in common: this server speaks " + protocols
                        + ", the client offered " + offered);
                return;
            }
            var handshaker = new io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory(base + request.uri(),
                    String.join(",", protocols), false, 1 << 20).newHandshaker(request);
            if (handshaker == null) {
                io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            io.podshim.runtime.stream.StreamHandler handler;
            try {
                handler = session instanceof Command c ? c.start().get() : forward((Forward) session);
            } catch (RuntimeException e) {
                refuse(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage());
                return;
            }
            handshaker.handshake(ctx.channel(), request).addListener((ChannelFutureListener) done -> {
                if (!done.isSuccess()) {
                    handler.hungUp();
                    return;
                }
                ctx.pipeline().addLast("stream", new io.podshim.runtime.stream.NettyWebSocketStream(handler));
                ctx.pipeline().remove(this);
            });
        }

        /** Every port the request named, connected now; none is left open if one cannot be. */
        private io.podshim.runtime.stream.StreamHandler forward(Forward forward) {
            if (forward.ports().isEmpty()) {
                throw PodException.invalid("port: give the ports to forward in the PortForward request");
            }
            List<io.podshim.linux.TcpSocket> sockets = new java.util.ArrayList<>();
            try {
                for (int port : forward.ports()) {
                    sockets.add(forward.connect().apply(port));
                }
            } catch (RuntimeException e) {
                sockets.forEach(io.podshim.linux.TcpSocket::close);
                throw e;
            }
            return new io.podshim.runtime.stream.PortForwardStreams(forward.ports(), sockets);
        }

        private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void close() {
        listening.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
