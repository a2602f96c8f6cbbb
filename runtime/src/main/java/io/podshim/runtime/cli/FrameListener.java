package io.podshim.runtime.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The client's side of a stream: each binary message is one frame, its first byte the channel.
 * Public because Jetty calls it through a public lookup.
 */
public final class FrameListener implements Session.Listener.AutoDemanding {
    /** What a frame's bytes go to; an IOException fails the frame (and so the stream). */
    @FunctionalInterface
    public interface Frames {
        void frame(int channel, byte[] data) throws IOException;
    }

    private final Frames frames;
    private final Runnable ended;

    /** @param ended run once the stream has closed or broken */
    public FrameListener(Frames frames, Runnable ended) {
        this.frames = frames;
        this.ended = ended;
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        try {
            int channel = payload.hasRemaining() ? payload.get() & 0xff : -1;
            byte[] data = new byte[payload.remaining()];
            payload.get(data);
            frames.frame(channel, data);
            callback.succeed();
        } catch (IOException e) {
            callback.fail(e);
        }
    }

    @Override
    public void onWebSocketClose(int code, String reason) {
        ended.run();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        ended.run();
    }
}
