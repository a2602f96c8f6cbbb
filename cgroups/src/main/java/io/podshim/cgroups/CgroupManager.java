package io.podshim.cgroups;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One cgroup version behind one interface: {@link V1Manager} (a hierarchy per controller) and
 * {@link V2Manager} (one unified hierarchy). Paths are relative to the hierarchy roots.
 */
public interface CgroupManager {

    /** The manager for this host: v2 where the unified hierarchy holds the controllers, else v1. */
    static CgroupManager forHost(CgroupHost host) {
        return host.mode() == CgroupMode.V2 ? new V2Manager(host) : new V1Manager(host);
    }

    CgroupMode mode();

    /** Creates the cgroup (and missing parents) in every hierarchy podshim uses. Idempotent. */
    void create(CgroupPath path);

    void apply(CgroupPath path, CgroupLimits limits);

    /**
     * Moves process {@code pid} into the cgroup, in every hierarchy. Call it before the process runs
     * its payload (see {@link CgroupGate}), and never with a thread of this JVM: in v2 that would
     * move the whole JVM (native/KERNEL-NOTES.md #16).
     */
    void place(CgroupPath path, long pid);

    /** The processes in the cgroup and every cgroup below it. */
    List<Long> pids(CgroupPath path);

    CgroupStats stats(CgroupPath path);

    /** An event if the OOM killer has killed more processes in the cgroup than {@code seenBefore}. */
    default Optional<OomKillEvent> oomKills(CgroupPath path, long seenBefore) {
        long kills = stats(path).oomKills();
        return kills > seenBefore ? Optional.of(new OomKillEvent(path, kills)) : Optional.empty();
    }

    boolean exists(CgroupPath path);

    /** SIGKILLs every process in the cgroup and below, and waits until none is left. */
    void killAll(CgroupPath path, Duration timeout);

    /**
     * Removes the cgroup only if it has neither processes nor child cgroups (rmdir alone, never
     * recursive): for shared levels such as {@code podshim/burstable} that other pods may still use.
     * Returns whether it is gone.
     */
    boolean removeIfEmpty(CgroupPath path);

    /** Removes the cgroup and every cgroup below it, deepest first, retrying while the kernel says EBUSY. Idempotent. */
    void remove(CgroupPath path, Duration timeout);

    /** The directory of the cgroup in the hierarchy of {@code controller}: for people and for checks. */
    Path directory(CgroupPath path, String controller);

    /**
     * Where the cgroup's directories appear under a container's /sys/fs/cgroup on v1, and which they
     * are: one per hierarchy ({@code memory} → …/memory/&lt;path&gt;). Empty on v2, where a container
     * sees its cgroup as the root of a cgroup namespace of its own instead.
     */
    java.util.Map<String, Path> containerView(CgroupPath path);
}
