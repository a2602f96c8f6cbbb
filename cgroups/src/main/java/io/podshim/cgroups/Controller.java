package io.podshim.cgroups;

import java.nio.file.Path;

/** One cgroup controller: turns limits into its files and reads its counters, in one cgroup's directory. */
interface Controller {
    /** As the kernel names it: in v1 mount options, in v2 cgroup.controllers. */
    String name();

    void apply(Path dir, CgroupLimits limits);

    void readStats(Path dir, CgroupStats.Builder stats);
}
