package io.podshim.runtime.stream;

import java.nio.ByteBuffer;

/** One stream's server side (an exec, a forwarded connection), apart from the framing that carries it. */
public interface StreamHandler {
    /** The client is connected: what goes to it goes through {@code frames}. */
    void open(StreamFrames frames);

    /** A frame from the client on {@code channel}, its first byte taken off. */
    void received(int channel, ByteBuffer data);

    /** The client has gone, or the connection broke; said once, and nothing is received after it. */
    void hungUp();
}
