package io.podshim.runtime.stream;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * A {@link StreamHandler} behind a WebSocket, as kubelet and the API server serve exec, attach and
 * port-forward: each binary message is one frame, its first byte the channel.
 */
public final class WebSocketStream implements Session.Listener.AutoDemanding {
    /** A peer that takes longer than this to accept one frame is taken for gone. */
    private static final Duration SEND_TIMEOUT = Duration.ofMinutes(1);

    private final StreamHandler handler;
    /** Close and error may both come: the handler hears of the client's end once. */
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    public WebSocketStream(StreamHandler handler) {
        this.handler = handler;
    }

    @Override
    public void onWebSocketOpen(Session opened) {
        handler.open(new StreamFrames() {
            @Override
            public boolean send(int channel, byte[] data, int length) {
                ByteBuffer frame = ByteBuffer.allocate(length + 1);
                frame.put((byte) channel).put(data, 0, length).flip();
                Callback.Completable sent = new Callback.Completable();
                opened.sendBinary(frame, sent);
                try {
                    sent.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    return true;
                } catch (ExecutionException | TimeoutException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }

            @Override
            public void close() {
                opened.close(StatusCode.NORMAL, null, Callback.NOOP);
            }
        });
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        if (payload.hasRemaining()) {
            int channel = payload.get() & 0xff;
            handler.received(channel, payload);
        }
        callback.succeed();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        if (ended.compareAndSet(false, true)) {
            handler.hungUp();
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        onWebSocketClose(StatusCode.ABNORMAL, cause.getMessage());
    }
}
