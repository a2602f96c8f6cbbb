package io.podshim.runtime.cri;

import io.podshim.cgroups.CgroupPath;
import io.podshim.cri.v1.PodSandboxConfig;
import io.podshim.runtime.core.PodSandboxHandle;

/**
 * A pod sandbox kubelet asked for: its config as sent, the sandbox the runtime core made of it
 * (null once stopped: a stopped sandbox keeps its record, not its pause), and the cgroup podshim
 * made for it. Guarded by the {@link CriRuntime}'s lock.
 */
final class CriSandbox {
    final String id;
    final PodSandboxConfig config;
    final long createdAtNanos;
    final CgroupPath cgroup;
    PodSandboxHandle handle;
    /** The pod IP it had while ready: kubelet may ask for it after the stop. */
    String ip;

    CriSandbox(String id, PodSandboxConfig config, long createdAtNanos, CgroupPath cgroup) {
        this.id = id;
        this.config = config;
        this.createdAtNanos = createdAtNanos;
        this.cgroup = cgroup;
    }

    boolean ready() {
        return handle != null;
    }

    String name() {
        return config.getMetadata().getName();
    }
}
