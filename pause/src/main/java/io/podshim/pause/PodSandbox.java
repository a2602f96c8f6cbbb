package io.podshim.pause;

import io.podshim.linux.ChildProcess;
import io.podshim.linux.Namespace;
import io.podshim.linux.NamespaceId;
import io.podshim.linux.NamespacePlan;
import io.podshim.linux.PidFd;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A running pod sandbox: the pause process (PID 1 of the pod's pid namespace) holding the pod's
 * namespaces, and the sandbox directory with the pod's /dev/shm and volumes.
 *
 * <p><b>Parent and reaper.</b> The pause is spawned by the daemon's JVM, which is its parent and
 * reaps it ({@link #pauseProcess()} is then present). A sandbox found again after a daemon restart
 * has been re-parented to the host's init (or the nearest subreaper), which reaps it; the daemon then
 * holds only a pidfd, enough to signal it and to see it exit. Inside the pod, the pause reaps every
 * orphan. {@link Sandboxes} owns every sandbox and is the only one that removes them.
 */
public final class PodSandbox {
    private final SandboxSpec spec;
    private final Path directory;
    private final PidFd pause;
    private final ChildProcess pauseProcess;
    private final long pauseStartTime;
    private final Map<Namespace, NamespaceId> namespaceIds;

    PodSandbox(SandboxSpec spec, Path directory, PidFd pause, ChildProcess pauseProcess, long pauseStartTime,
               Map<Namespace, NamespaceId> namespaceIds) {
        this.spec = spec;
        this.directory = directory;
        this.pause = pause;
        this.pauseProcess = pauseProcess;
        this.pauseStartTime = pauseStartTime;
        this.namespaceIds = Collections.unmodifiableMap(namespaceIds);
    }

    public SandboxSpec spec() {
        return spec;
    }

    /** {@code <state root>/<pod uid>}: holds the state file, {@code shm/} and {@code volumes/}. */
    public Path directory() {
        return directory;
    }

    /** The mount point of the pod's /dev/shm tmpfs, mounted only inside the pod's mount namespace. */
    public Path shmDir() {
        return directory.resolve("shm");
    }

    /** Where the pod's volumes live; a container bind-mounts what it needs from here. */
    public Path volumesDir() {
        return directory.resolve("volumes");
    }

    /** The pause's pid as the host sees it. */
    public int pausePid() {
        return pause.pid();
    }

    public long pauseStartTime() {
        return pauseStartTime;
    }

    public PidFd pausePidFd() {
        return pause;
    }

    /** Present when this JVM spawned the pause and is its parent; absent after a restart. */
    public java.util.Optional<ChildProcess> pauseProcess() {
        return java.util.Optional.ofNullable(pauseProcess);
    }

    /** The namespaces the sandbox created (the others are the host's). */
    public Set<Namespace> namespaces() {
        return spec.createdNamespaces();
    }

    /** Every namespace id of the pause, the host's included, as recorded when it started. */
    public Map<Namespace, NamespaceId> namespaceIds() {
        return namespaceIds;
    }

    /**
     * The join primitive: a plan that enters every namespace the sandbox holds, the pod's mount
     * namespace included, with one setns on the pause's pidfd. A container adds
     * {@code .create(Namespace.MNT)} for a mount namespace of its own derived from the pod's, and
     * uses {@link #joinPlan(String, Set)} to leave out the pid namespace when the pod does not share
     * it.
     */
    public NamespacePlan.Builder joinPlan(String purpose) {
        return joinPlan(purpose, namespaces());
    }

    /** Joins only {@code kinds}, each of which must be one the sandbox holds. */
    public NamespacePlan.Builder joinPlan(String purpose, Set<Namespace> kinds) {
        Set<Namespace> unknown = EnumSet.noneOf(Namespace.class);
        unknown.addAll(kinds);
        unknown.removeAll(namespaces());
        if (!unknown.isEmpty()) {
            throw new SandboxException("pod " + spec.podName() + " holds no " + unknown
                    + " namespace of its own (it shares the host's): nothing to join");
        }
        return NamespacePlan.named(purpose).join(pause, kinds);
    }

    @Override
    public String toString() {
        return "sandbox of pod " + spec.podName() + " (uid " + spec.podUid() + ", pause " + pause.pid() + ")";
    }
}
