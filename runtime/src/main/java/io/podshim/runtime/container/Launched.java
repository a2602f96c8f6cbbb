package io.podshim.runtime.container;

import io.podshim.linux.ExitStatus;
import io.podshim.linux.StartFailure;
import java.util.Optional;

/**
 * The outcome of a launch: a running process the caller now owns and must reap, or a start failure
 * (reported by Kubernetes as terminated, reason {@code StartError}, exit code 128) whose process
 * has already been reaped.
 */
public record Launched(ContainerProcess process, StartFailure startFailure, ExitStatus failedExit) {

    static Launched running(ContainerProcess process) {
        return new Launched(process, null, null);
    }

    static Launched failed(StartFailure failure, ExitStatus exit) {
        return new Launched(null, failure, exit);
    }

    public Optional<ContainerProcess> running() {
        return Optional.ofNullable(process);
    }

    public Optional<StartFailure> failure() {
        return Optional.ofNullable(startFailure);
    }
}
