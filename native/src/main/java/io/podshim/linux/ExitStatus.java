package io.podshim.linux;

import jnr.constants.platform.Signal;

/**
 * How a process ended: an exit code, or the signal that killed it. {@link #code()} is what a shell
 * (and Kubernetes' {@code exitCode}) reports: the exit code, or 128 + the signal number.
 */
public record ExitStatus(int exitCode, int signal, boolean coreDumped) {

    public static ExitStatus exited(int exitCode) {
        return new ExitStatus(exitCode, 0, false);
    }

    public static ExitStatus killed(int signal, boolean coreDumped) {
        return new ExitStatus(0, signal, coreDumped);
    }

    public boolean wasSignaled() {
        return signal != 0;
    }

    public int code() {
        return wasSignaled() ? 128 + signal : exitCode;
    }

    @Override
    public String toString() {
        if (!wasSignaled()) {
            return "exited " + exitCode;
        }
        Signal named = Signal.valueOf(signal);
        String name = named.defined() ? named.name() : "signal " + signal;
        return "killed by " + name + (coreDumped ? " (core dumped)" : "");
    }
}
