package io.podshim.runtime.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server side of one SPDY/3.1 connection as Kubernetes' streaming uses it (what kubelet and
 * crictl speak for exec, attach and port-forward): the client opens each stream (SYN_STREAM, its
 * kind in a {@code streamtype} header) and the server accepts it (SYN_REPLY); data goes either way
 * in DATA frames, a FIN ends one direction of one stream. What the streams mean is the
 * {@link Listener}'s. Sends block the caller until the frame is written, so a slow client slows the
 * command rather than filling memory; they must not be made from the connection's own thread.
 */
public final class SpdySession extends ChannelInboundHandlerAdapter {
    /** How long the connection stays after the server has ended every stream, for the client to read and close it first. */
    private static final long LINGER_SECONDS = 10;

    /** What the streams of a connection mean: a remote command's channels, or forwarded ports. */
    public interface Listener {
        /** The client opened stream {@code id} with {@code headers}; it has been accepted. Connection thread. */
        void opened(SpdySession session, int id, SpdyHeaders headers);

        /** Data from the client on stream {@code id}, and whether it ended its side of the stream with it. Connection thread. */
        void received(int id, ByteBuf data, boolean last);

        /** The connection has gone; said once. */
        void closed();
    }

    private final Listener listener;
    private final java.util.Set<Integer> ended = ConcurrentHashMap.newKeySet();
    private volatile Channel channel;
    private volatile boolean closed;

    public SpdySession(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SpdySynStreamFrame syn) {
                // The reply echoes the stream's kind: netty writes an empty header set as no header block at
                // all, which the Go SPDY framing that kubelet and crictl use takes for a broken frame.
                DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
                String kind = syn.headers().getAsString("streamtype");
                reply.headers().set("streamtype", kind == null ? "" : kind);
                ctx.writeAndFlush(reply);
                listener.opened(this, syn.streamId(), syn.headers());
                if (syn.isLast()) {
                    listener.received(syn.streamId(), Unpooled.EMPTY_BUFFER, true);
                }
            } else if (msg instanceof SpdyDataFrame data) {
                listener.received(data.streamId(), data.content(), data.isLast());
            } else if (msg instanceof SpdyRstStreamFrame reset) {
                ended.add(reset.streamId());
                listener.received(reset.streamId(), Unpooled.EMPTY_BUFFER, true);
            } else if (msg instanceof SpdyPingFrame ping && ping.id() % 2 == 1) {
                ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id())); // the client's ping (odd ids) is answered
            }
        } finally {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        hangUp();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a frame the codec could not read, or the peer reset: the connection is of no more use
    }

    private void hangUp() {
        if (!closed) {
            closed = true;
            listener.closed();
        }
    }

    /** Sends {@code length} bytes on stream {@code id}; false once the connection or the stream is gone. */
    public boolean send(int id, byte[] data, int length) {
        if (closed || ended.contains(id)) {
            return false;
        }
        try {
            return channel.writeAndFlush(new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(data, 0, length))).await().isSuccess();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends the server's side of stream {@code id} (a FIN); once is enough. */
    public void finish(int id) {
        if (!closed && ended.add(id)) {
            SpdyDataFrame fin = new DefaultSpdyDataFrame(id);
            fin.setLast(true);
            channel.writeAndFlush(fin);
        }
    }

    /**
     * The server is done with the connection: the client's to close once it has read every stream
     * to its end; if it does not within a few seconds, it is closed here. Closing at once could
     * reset the connection under frames the client has not read yet.
     */
    public void close() {
        if (!closed) {
            channel.eventLoop().schedule(() -> channel.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Closes the connection now (a request the server refuses). */
    public void abort() {
        channel.close();
    }
}
