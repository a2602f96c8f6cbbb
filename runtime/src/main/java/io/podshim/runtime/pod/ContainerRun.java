package io.podshim.runtime.pod;

import io.podshim.cgroups.CgroupPath;
import io.podshim.linux.ChildProcess;
import io.podshim.runtime.image.StoredImage;
import java.time.Instant;

/** One container of a running pod, as the supervisor tracks it. Supervisor thread only. */
final class ContainerRun {
    final PodManifest.Container spec;
    final boolean init;
    final String field;
    final StoredImage image;
    CgroupPath cgroup;
    ContainerState state = ContainerState.waiting("PodInitializing", null);
    ContainerState lastState;
    int restartCount;
    int backToBackRestarts;
    boolean restartPending;
    boolean started;
    ChildProcess process;
    Instant startedAt;
    long oomKillsBefore;

    ContainerRun(PodManifest.Container spec, boolean init, String field, StoredImage image) {
        this.spec = spec;
        this.init = init;
        this.field = field;
        this.image = image;
    }

    String name() {
        return spec.name();
    }

    boolean running() {
        return process != null;
    }

    ContainerStatus status() {
        return new ContainerStatus(spec.name(), spec.image(), init, spec.sidecar(), state, lastState, restartCount,
                running() && state.is(ContainerState.Kind.RUNNING), process == null ? 0 : process.pid());
    }
}
