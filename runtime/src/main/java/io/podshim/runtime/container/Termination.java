package io.podshim.runtime.container;

import io.podshim.cgroups.OomKillEvent;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.StartFailure;
import java.util.Optional;

/**
 * How Kubernetes reports a container that ended: reason and exit code of its terminated state.
 * {@code OOMKilled} needs both a SIGKILL and a new OOM kill in the container's cgroup: either
 * alone is not enough (a SIGKILL may come from anyone, and the OOM killer may pick another
 * process of the cgroup).
 */
public record Termination(String reason, int exitCode, String message) {

    public static Termination of(ExitStatus status, Optional<OomKillEvent> oom) {
        if (status.wasSignaled() && status.signal() == 9 && oom.isPresent()) {
            return new Termination("OOMKilled", status.code(), "");
        }
        return new Termination(status.code() == 0 ? "Completed" : "Error", status.code(), "");
    }

    public static Termination startError(StartFailure failure) {
        return new Termination("StartError", 128, failure.message());
    }
}
