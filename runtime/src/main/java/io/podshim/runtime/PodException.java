package io.podshim.runtime;

/**
 * A pod, one of its containers or an image could not be handled; the message says which and why.
 * Its {@link Kind} says whose the problem is, so the API answers with the right HTTP status without
 * reading the message, and {@link #field} names the manifest field at fault when there is one.
 */
public final class PodException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The request or manifest is wrong: fix it and try again (HTTP 400). */
        INVALID(400),
        /** No such pod, container or image (404). */
        NOT_FOUND(404),
        /** It exists, but its state does not allow this now: a name in use, an image in use (409). */
        CONFLICT(409),
        /** Something this runtime needs is not there or not answering (503). */
        UNAVAILABLE(503),
        /** It went wrong while being done: the kernel, a file, a process (500). */
        FAILED(500);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Kind kind;
    private final String field;

    private PodException(Kind kind, String field, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.field = field;
    }

    /** Something went wrong while doing it. */
    public PodException(String message) {
        this(Kind.FAILED, null, message, null);
    }

    /** Something went wrong while doing it; a PodException cause keeps its kind and field. */
    public PodException(String message, Throwable cause) {
        this(cause instanceof PodException p ? p.kind : Kind.FAILED, cause instanceof PodException p ? p.field : null, message, cause);
    }

    /** {@code field: problem}, where {@code field} is the manifest field at fault (spec.containers[0].image). */
    public static PodException invalid(String field, String problem) {
        return new PodException(Kind.INVALID, field, field + ": " + problem, null);
    }

    /** Bad input at {@code field}, its {@code message} saying so in its own words (as the API server's validation does). */
    public static PodException invalidAt(String field, String message) {
        return new PodException(Kind.INVALID, field, message, null);
    }

    /** Bad input that no single manifest field stands for. */
    public static PodException invalid(String message) {
        return new PodException(Kind.INVALID, null, message, null);
    }

    public static PodException notFound(String message) {
        return new PodException(Kind.NOT_FOUND, null, message, null);
    }

    /** A conflict with the state of {@code field}'s object (metadata.name of a pod that runs already), or null. */
    public static PodException conflict(String field, String message) {
        return new PodException(Kind.CONFLICT, field, message, null);
    }

    public static PodException unavailable(String message) {
        return new PodException(Kind.UNAVAILABLE, null, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The manifest field at fault, or null. */
    public String field() {
        return field;
    }
}
