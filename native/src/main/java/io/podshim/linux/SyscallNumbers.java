package io.podshim.linux;

/**
 * Numbers of the syscalls glibc 2.36 has no wrapper for. Numbers from 424 on are the same on every
 * architecture (the unified table); older ones differ per architecture.
 */
final class SyscallNumbers {
    static final long PIDFD_SEND_SIGNAL = 424;
    static final long PIDFD_OPEN = 434;
    static final long PIDFD_GETFD = 438;
    static final long PIVOT_ROOT;

    static {
        String arch = System.getProperty("os.arch");
        switch (arch) {
            case "amd64", "x86_64" -> PIVOT_ROOT = 155;
            case "aarch64", "arm64" -> PIVOT_ROOT = 41;
            default -> throw new ExceptionInInitializerError(
                    "podshim supports x86_64 and aarch64, not " + arch + ": add its syscall numbers to SyscallNumbers");
        }
    }

    private SyscallNumbers() {}
}
