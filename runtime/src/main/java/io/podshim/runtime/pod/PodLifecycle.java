package io.podshim.runtime.pod;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a pod is in its life on this node. The one place that says which step may follow which:
 * a pod is created, runs its init containers, then its app containers; once its outcome is decided
 * it stops what still runs (FINISHING), or a deletion stops it (TERMINATING); then it is torn down.
 */
public enum PodLifecycle {
    /** The sandbox, cgroups, volumes and network are being made (or tried again after a failed attempt). */
    CREATING,
    /** Init containers run, one at a time (sidecars stay). */
    INITIALIZING,
    /** The app containers have been started. */
    RUNNING,
    /** The outcome (Succeeded or Failed) is decided: what still runs is stopped, sidecars last. */
    FINISHING,
    /** Deleted: everything is stopped within the grace period, sidecars last. */
    TERMINATING,
    /** Stopped and torn down: only the record is left. */
    DONE;

    private static final Map<PodLifecycle, Set<PodLifecycle>> NEXT = Map.of(
            CREATING, EnumSet.of(INITIALIZING, TERMINATING, DONE),
            INITIALIZING, EnumSet.of(RUNNING, FINISHING, TERMINATING),
            RUNNING, EnumSet.of(FINISHING, TERMINATING),
            FINISHING, EnumSet.of(TERMINATING, DONE),
            TERMINATING, EnumSet.of(DONE),
            DONE, EnumSet.of(TERMINATING));

    /** {@code next}, if a pod may go there from here; else an IllegalStateException naming both. */
    public PodLifecycle to(PodLifecycle next) {
        if (!NEXT.get(this).contains(next)) {
            throw new IllegalStateException("a pod cannot go from " + this + " to " + next);
        }
        return next;
    }

    /** Everything that runs is being stopped. */
    public boolean stopping() {
        return this == FINISHING || this == TERMINATING;
    }
}
