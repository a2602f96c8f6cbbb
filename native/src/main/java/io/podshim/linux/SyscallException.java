package io.podshim.linux;

import jnr.constants.platform.Errno;

/**
 * A failed kernel call: which operation, with which arguments, and the errno it returned. Reads
 * like {@code setns(/proc/4121/ns/net, CLONE_NEWNET): EINVAL (Invalid argument)}, so the message
 * alone tells what to fix. Context ("init container 2/3 of pod web") is added at the runtime edge.
 */
public final class SyscallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String arguments;
    private final transient Errno errno;

    public SyscallException(String operation, String arguments, Errno errno) {
        super(operation + "(" + arguments + "): " + errno.name() + " (" + errno.description() + ")");
        this.operation = operation;
        this.arguments = arguments;
        this.errno = errno;
    }

    public String operation() {
        return operation;
    }

    public String arguments() {
        return arguments;
    }

    public Errno errno() {
        return errno;
    }
}
