package io.podshim.linux;

import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Runtime;

/**
 * The loaded libc and the one place where a raw return value becomes a result or a
 * {@link SyscallException}. EINTR is retried here and nowhere else.
 */
final class Kernel {
    private static final LibC.Functions LIBC = LibraryLoader.create(LibC.Functions.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    static {
        // JNR starts its reference-finalizer thread on the first direct allocation. Done on a thread
        // inside a new pid namespace, that thread cannot be created (KERNEL-NOTES #3), so do it here, on
        // whichever ordinary thread loads this class first.
        Memory.allocateDirect(RUNTIME, 8);
    }

    private Kernel() {}

    /** Loads libc and starts JNR's helper threads; call from an ordinary thread. */
    static void init() {
        // Class initialisation above does the work.
    }

    static LibC.Functions libc() {
        return LIBC;
    }

    static Runtime runtime() {
        return RUNTIME;
    }

    static Errno lastErrno() {
        return Errno.valueOf(RUNTIME.getLastError());
    }

    @FunctionalInterface
    interface IntCall {
        int invoke();
    }

    @FunctionalInterface
    interface LongCall {
        long invoke();
    }

    /** Runs a call that returns -1 and sets errno on failure; retries on EINTR. */
    static int check(String operation, Object args, IntCall call) {
        return (int) checkLong(operation, args, call::invoke);
    }

    static long checkLong(String operation, Object args, LongCall call) {
        while (true) {
            long result = call.invoke();
            if (result != -1) {
                return result;
            }
            Errno errno = lastErrno();
            if (errno != Errno.EINTR) {
                throw new SyscallException(operation, String.valueOf(args), errno);
            }
        }
    }

    /** For the posix_spawn family, which returns the error number itself (0 on success). */
    static void checkReturned(String operation, Object args, int result) {
        if (result != 0) {
            throw new SyscallException(operation, String.valueOf(args), Errno.valueOf(result));
        }
    }
}
