package io.podshim.runtime.pod;

import java.time.Instant;

/**
 * A container's state as Kubernetes reports it: waiting (with a reason such as ContainerCreating or
 * CrashLoopBackOff), running (since when), or terminated (reason, exit code, times).
 */
public record ContainerState(Kind kind, String reason, String message, Integer exitCode, Instant startedAt,
                             Instant finishedAt) {
    public enum Kind { WAITING, RUNNING, TERMINATED }

    public static ContainerState waiting(String reason, String message) {
        return new ContainerState(Kind.WAITING, reason, message, null, null, null);
    }

    public static ContainerState running(Instant since) {
        return new ContainerState(Kind.RUNNING, null, null, null, since, null);
    }

    public static ContainerState terminated(String reason, int exitCode, String message, Instant started, Instant finished) {
        return new ContainerState(Kind.TERMINATED, reason, message, exitCode, started, finished);
    }

    public boolean is(Kind kind) {
        return this.kind == kind;
    }
}
