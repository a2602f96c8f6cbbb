package io.podshim.cgroups;

/** A cgroup could not be created, configured, read, emptied or removed; the message names the file. */
public final class CgroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
