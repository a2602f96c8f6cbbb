package io.podshim.linux;

import jnr.constants.platform.Signal;

/**
 * kill(2) by pid, for processes podshim did not spawn itself and holds no pidfd for. Prefer
 * {@link PidFd#sendSignal}, which cannot hit a reused pid.
 */
public final class Signals {
    private Signals() {}

    public static void kill(int pid, Signal signal) {
        Kernel.check("kill", pid + ", " + signal.name(), () -> Kernel.libc().kill(pid, signal.intValue()));
    }
}
