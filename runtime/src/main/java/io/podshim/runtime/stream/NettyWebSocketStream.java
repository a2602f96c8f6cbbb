package io.podshim.runtime.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link StreamHandler} behind a WebSocket on netty (the CRI's streaming server), framed as
 * {@link WebSocketStream} frames it on the API's Jetty: each binary message one frame, its first
 * byte the channel. Sends block the caller until the frame is written (never the connection's thread).
 */
public final class NettyWebSocketStream extends SimpleChannelInboundHandler<WebSocketFrame> {
    /** A peer that takes longer than this to accept one frame is taken for gone. */
    private static final long SEND_TIMEOUT_SECONDS = 60;

    private final StreamHandler handler;
    private final AtomicBoolean ended = new AtomicBoolean();

    public NettyWebSocketStream(StreamHandler handler) {
        this.handler = handler;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        handler.open(new StreamFrames() {
            @Override
            public boolean send(int stream, byte[] data, int length) {
                ByteBuf frame = Unpooled.buffer(length + 1).writeByte(stream).writeBytes(data, 0, length);
                try {
                    var written = channel.writeAndFlush(new BinaryWebSocketFrame(frame));
                    return written.await(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS) && written.isSuccess();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }

            @Override
            public void close() {
                channel.writeAndFlush(new CloseWebSocketFrame(1000, null)).addListener(done -> channel.close());
            }
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof BinaryWebSocketFrame binary && binary.content().isReadable()) {
            ByteBuf content = binary.content();
            int channel = content.readUnsignedByte();
            handler.received(channel, content.nioBuffer());
        } else if (frame instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ended.compareAndSet(false, true)) {
            handler.hungUp();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
