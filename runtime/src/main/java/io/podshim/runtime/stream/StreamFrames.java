package io.podshim.runtime.stream;

/**
 * Where a stream's channels go out: one framing of {@link StreamProtocol} (a WebSocket's binary
 * messages today; SPDY streams can sit beside it). Sends block until the frame is on its way, so a
 * slow reader slows the command's output rather than filling the daemon's memory.
 */
public interface StreamFrames {
    /** Sends {@code length} bytes of {@code data} on {@code channel}; false once the peer is gone (the rest is dropped). */
    boolean send(int channel, byte[] data, int length);

    /** Ends the stream, all channels at once. */
    void close();
}
