package io.podshim.cgroups;

/** How the host mounts cgroups. */
public enum CgroupMode {
    /** Only v1 hierarchies, one per controller (or co-mounted group). */
    V1,
    /** v1 hierarchies for the controllers, plus a cgroup2 mount (usually empty) at .../unified. */
    HYBRID,
    /** One cgroup2 hierarchy holding every controller. */
    V2
}
