package io.podshim.runtime.core;

import io.podshim.cgroups.CgroupPath;
import io.podshim.pause.PodSandbox;
import io.podshim.runtime.container.PodVolumes;
import io.podshim.runtime.network.NetworkStatus;

/**
 * A pod sandbox as the runtime core made it: the pause and its namespaces, the pod cgroup, the
 * pod's volumes, and its place on the pod network ({@link NetworkStatus#NONE} without one).
 */
public record PodSandboxHandle(PodSandbox sandbox, CgroupPath cgroup, PodVolumes volumes, NetworkStatus network) {
    public PodSandboxHandle(PodSandbox sandbox, CgroupPath cgroup, PodVolumes volumes) {
        this(sandbox, cgroup, volumes, NetworkStatus.NONE);
    }
}
