package io.podshim.pause;

/** A pod sandbox could not be created, found or destroyed; the message says which and why. */
public final class SandboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
