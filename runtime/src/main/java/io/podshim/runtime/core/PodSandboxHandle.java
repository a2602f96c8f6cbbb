package io.podshim.runtime.core;

import io.podshim.cgroups.CgroupPath;
import io.podshim.pause.PodSandbox;
import io.podshim.runtime.container.PodVolumes;

/** A pod sandbox as the runtime core made it: the pause and its namespaces, the pod cgroup, the pod's volumes. */
public record PodSandboxHandle(PodSandbox sandbox, CgroupPath cgroup, PodVolumes volumes) {}
