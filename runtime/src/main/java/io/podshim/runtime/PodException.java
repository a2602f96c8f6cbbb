package io.podshim.runtime;

/** A pod or one of its containers could not be run; the message says which and why. */
public final class PodException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PodException(String message) {
        super(message);
    }

    public PodException(String message, Throwable cause) {
        super(message, cause);
    }
}
