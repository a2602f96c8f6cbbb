package io.podshim.runtime.cri;

import io.podshim.cgroups.CgroupPath;
import io.podshim.cri.v1.ContainerConfig;
import io.podshim.cri.v1.ContainerState;
import io.podshim.runtime.container.ContainerProcess;
import io.podshim.runtime.container.LaunchPlan;
import io.podshim.runtime.image.StoredImage;
import io.podshim.runtime.logs.CriLogFile;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A container kubelet created in a sandbox: its config as sent, its image, its cgroup and log, and
 * where it is in its one life (CREATED, RUNNING, EXITED: a CRI container is never restarted, kubelet
 * makes a new one). Guarded by the {@link CriRuntime}'s lock, its process's end recorded on the
 * runtime's supervisor.
 */
final class CriContainer {
    final String id;
    final CriSandbox sandbox;
    final ContainerConfig config;
    final StoredImage image;
    final long createdAtNanos;
    final CgroupPath cgroup;
    /** The log kubelet named (log_directory + log_path), or podshim's own beside the sandbox without one. */
    final Path logPath;
    /** Its own directory in the sandbox: the writable layer and the root's mount point. */
    final Path bundle;
    /** How it is (or would be) launched: what an exec must match; null for one taken over in a sandbox that is gone. */
    LaunchPlan plan;
    ContainerState state = ContainerState.CONTAINER_CREATED;
    ContainerProcess process;
    CriLogFile log;
    CompletableFuture<Void> logsWritten = CompletableFuture.completedFuture(null);
    /** The write end of its stdin pipe (stdin: true without a terminal), or its terminal's master; null without. */
    io.podshim.linux.Fd stdin;
    /** Its terminal's master (tty: true), for attach's resizes; the same descriptor as {@link #stdin} with stdin. */
    io.podshim.linux.Fd terminal;
    /** Who sees its output as it is logged: its attach sessions. */
    final io.podshim.runtime.logs.Taps taps = new io.podshim.runtime.logs.Taps();
    long oomKillsBefore;
    long startedAtNanos;
    long finishedAtNanos;
    int exitCode;
    String reason = "";
    String message = "";
    /** Completes once its end is recorded (or at once if it never started). */
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    CriContainer(String id, CriSandbox sandbox, ContainerConfig config, StoredImage image, long createdAtNanos, CgroupPath cgroup,
                 Path logPath, Path bundle, LaunchPlan plan) {
        this.id = id;
        this.sandbox = sandbox;
        this.config = config;
        this.image = image;
        this.createdAtNanos = createdAtNanos;
        this.cgroup = cgroup;
        this.logPath = logPath;
        this.bundle = bundle;
        this.plan = plan;
    }

    String name() {
        return config.getMetadata().getName();
    }

    /** The image's id, as kubelet keeps it (image_ref). */
    String imageRef() {
        return image.id();
    }
}
