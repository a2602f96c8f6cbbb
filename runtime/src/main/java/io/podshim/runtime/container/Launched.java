package io.podshim.runtime.container;

import io.podshim.linux.ExitStatus;
import io.podshim.linux.Fd;
import io.podshim.linux.StartFailure;
import java.util.Optional;

/**
 * The outcome of a launch: a running process the caller now owns and must reap, or a start failure
 * (reported by Kubernetes as terminated, reason {@code StartError}, exit code 128) whose process
 * has already been reaped. A running container with a terminal comes with its master.
 */
public record Launched(ContainerProcess process, StartFailure startFailure, ExitStatus failedExit, Fd terminal) {

    static Launched running(ContainerProcess process, Fd terminal) {
        return new Launched(process, null, null, terminal);
    }

    static Launched failed(StartFailure failure, ExitStatus exit) {
        return new Launched(null, failure, exit, null);
    }

    /** The master of the container's terminal ({@link LaunchPlan#terminal}), the caller's to close; empty without one. */
    public Optional<Fd> terminalMaster() {
        return Optional.ofNullable(terminal);
    }

    public Optional<ContainerProcess> running() {
        return Optional.ofNullable(process);
    }

    public Optional<StartFailure> failure() {
        return Optional.ofNullable(startFailure);
    }
}
