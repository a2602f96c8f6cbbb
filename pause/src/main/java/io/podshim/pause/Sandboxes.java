package io.podshim.pause;

import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Hostname;
import io.podshim.linux.Interfaces;
import io.podshim.linux.MountFlags;
import io.podshim.linux.Mounts;
import io.podshim.linux.Namespace;
import io.podshim.linux.NamespaceId;
import io.podshim.linux.NamespacePlan;
import io.podshim.linux.NamespaceThread;
import io.podshim.linux.Pipe;
import io.podshim.linux.PidFd;
import io.podshim.linux.Procfs;
import io.podshim.linux.SpawnSpec;
import io.podshim.linux.Stdio;
import io.podshim.linux.SyscallException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Signal;

/**
 * The owner of every pod sandbox under one state root ({@code <root>/<pod uid>/}). It alone creates
 * and removes them: a sandbox is created whole or rolled back, and destroyed from what is on disk,
 * so destroy is idempotent and also cleans up after a crash half-way through create.
 */
public final class Sandboxes {
    /** The state root of the daemon unless told otherwise. */
    public static final Path DEFAULT_ROOT = Path.of("/run/podshim/sandboxes");

    private final Path root;
    private final Path pauseBinary;
    private final Duration stopTimeout;
    private final Map<String, PodSandbox> live = new ConcurrentHashMap<>();
    // Create and destroy of one pod exclude each other: a destroy that ran during a create (a
    // shutdown hook on Ctrl-C) would remove the directory and let the create spawn an unowned pause.
    private final Object[] podLocks = new Object[64];

    {
        for (int i = 0; i < podLocks.length; i++) {
            podLocks[i] = new Object();
        }
    }

    /**
     * @param pauseBinary from {@link PauseBinary#install}
     * @param stopTimeout how long the pause gets to exit after SIGTERM before SIGKILL
     */
    public Sandboxes(Path root, Path pauseBinary, Duration stopTimeout) {
        this.root = root.toAbsolutePath();
        this.pauseBinary = pauseBinary;
        this.stopTimeout = stopTimeout;
    }

    public Path root() {
        return root;
    }

    /** Creates the sandbox of {@code spec}'s pod: namespaces, hostname, lo, /dev/shm, then the pause. */
    public PodSandbox create(SandboxSpec spec) {
        synchronized (lockOf(spec.podUid())) {
            return createLocked(spec);
        }
    }

    private PodSandbox createLocked(SandboxSpec spec) {
        Path dir = root.resolve(spec.podUid());
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new SandboxException("pod " + spec.podName() + ": a sandbox for uid " + spec.podUid()
                    + " already exists at " + dir + "; destroy it first");
        } catch (IOException e) {
            throw new SandboxException("pod " + spec.podName() + ": create " + dir + ": " + e, e);
        }
        ChildProcess pause = null;
        try {
            SandboxState state = SandboxState.creating(spec);
            state.write(dir);
            Files.createDirectory(dir.resolve("shm"));
            Files.createDirectory(dir.resolve("volumes"));
            pause = spawnPause(spec, dir);
            long startTime = Procfs.startTime(pause.pid())
                    .orElseThrow(() -> new SandboxException("the pause exited as soon as it started"));
            Map<Namespace, NamespaceId> ids = NamespaceId.allOf(pause.pid());
            state.ready(pause.pid(), startTime, describe(ids)).write(dir);
            PodSandbox sandbox = new PodSandbox(spec, dir, pause.pidFd(), pause, startTime, ids);
            live.put(spec.podUid(), sandbox);
            return sandbox;
        } catch (RuntimeException | IOException e) {
            if (pause != null) {
                pause.kill();
                pause.close();
            }
            removeDirectory(dir);
            throw new SandboxException("create sandbox of pod " + spec.podName() + ": " + e.getMessage(), e);
        }
    }

    private ChildProcess spawnPause(SandboxSpec spec, Path dir) {
        NamespacePlan.Builder plan = NamespacePlan.named("sandbox-" + spec.podUid()).create(spec.createdNamespaces());
        if (spec.createdNamespaces().contains(Namespace.UTS)) {
            plan.then(() -> Hostname.set(spec.hostname()));
        }
        if (spec.createdNamespaces().contains(Namespace.NET)) {
            plan.then(() -> Interfaces.setUp("lo"));
        }
        // /dev/shm of the pod, mounted in the pod's mount namespace only: the host sees an empty dir.
        String shm = dir.resolve("shm").toString();
        plan.then(() -> Mounts.mount("shm", shm, "tmpfs", MountFlags.MS_NOSUID | MountFlags.MS_NODEV | MountFlags.MS_NOEXEC,
                "mode=1777,size=" + spec.shmSizeBytes()));
        try (Pipe ready = Pipe.open()) {
            SpawnSpec pause = SpawnSpec.of(pauseBinary.toString(), "pod=" + spec.podUid())
                    .stdin(Stdio.devNull()).stdout(Stdio.devNull()).stderr(Stdio.devNull())
                    .inherit(ready.writeEnd())
                    // Its own session: a Ctrl-C on the daemon's terminal must not reach the pod.
                    .newSession()
                    .build();
            ChildProcess child = NamespaceThread.spawn(plan.build(), pause);
            ready.writeEnd().close();
            String said = new String(ready.readEnd().readAllBytes(), StandardCharsets.UTF_8);
            if (!said.equals("ready\n")) {
                ExitStatus status = child.waitFor();
                child.close();
                throw new SandboxException("the pause " + status + " before it was ready");
            }
            return child;
        }
    }

    /** The sandbox of {@code podUid}: the one this object holds, or one found on disk whose pause still runs. */
    public Optional<PodSandbox> find(String podUid) {
        PodSandbox held = live.get(podUid);
        if (held != null) {
            return Optional.of(held);
        }
        Path dir = directoryOf(podUid);
        Optional<SandboxState> state = Files.isDirectory(dir) ? SandboxState.read(dir) : Optional.empty();
        if (state.isEmpty() || !state.get().phase().equals(SandboxState.READY)) {
            return Optional.empty();
        }
        return locatePause(podUid, state).map(pidFd -> {
            PodSandbox found = new PodSandbox(state.get().spec(), dir, pidFd, null, state.get().pauseStartTime(),
                    NamespaceId.allOf(pidFd.pid()));
            PodSandbox raced = live.putIfAbsent(podUid, found);
            if (raced != null) {
                pidFd.close();
                return raced;
            }
            return found;
        });
    }

    /** The uids of every sandbox directory under the root, whole or half-made. */
    public List<String> podUids() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("list " + root + ": " + e.getMessage(), e);
        }
    }

    public void destroy(PodSandbox sandbox) {
        destroy(sandbox.spec().podUid());
    }

    /**
     * Stops the pause (SIGTERM, then SIGKILL after the stop timeout), which ends every process in the
     * pod's pid namespace, then removes the directory. Idempotent; works from the disk alone, so it
     * also cleans up a sandbox whose create was cut short by a crash.
     */
    public void destroy(String podUid) {
        Path dir = directoryOf(podUid);
        synchronized (lockOf(podUid)) {
            destroyLocked(podUid, dir);
        }
    }

    private void destroyLocked(String podUid, Path dir) {
        PodSandbox held = live.remove(podUid);
        if (held != null) {
            try {
                stop(held.pausePidFd(), held.pauseProcess().orElse(null));
            } catch (SandboxException stuck) {
                live.put(podUid, held);
                throw stuck;
            }
            held.pausePidFd().close();
        } else if (Files.isDirectory(dir)) {
            Optional<SandboxState> state;
            try {
                state = SandboxState.read(dir);
            } catch (SandboxException damaged) {
                state = Optional.empty();
            }
            locatePause(podUid, state).ifPresent(pidFd -> {
                try (pidFd) {
                    stop(pidFd, null);
                }
            });
        }
        removeDirectory(dir);
    }

    private Object lockOf(String podUid) {
        return podLocks[Math.floorMod(podUid.hashCode(), podLocks.length)];
    }

    private Path directoryOf(String podUid) {
        // A valid uid has no '/' or '..': no caller can name a path outside the root.
        return root.resolve(SandboxSpec.requireValidUid(podUid));
    }

    /**
     * SIGTERM, then SIGKILL after the stop timeout. The pause cannot finish exiting while any process
     * of its pid namespace waits to be reaped by a parent outside it, such as a container whose
     * parent is the daemon (native/KERNEL-NOTES.md #17); if it is still there after a second
     * timeout, that is reported instead of waiting forever, and a later destroy can try again.
     */
    private void stop(PidFd pause, ChildProcess parentOf) {
        String podPidNamespace = pidNamespaceOf(pause.pid());
        signal(pause, Signal.SIGTERM);
        if (!pause.awaitExit(stopTimeout)) {
            signal(pause, Signal.SIGKILL);
            if (!pause.awaitExit(stopTimeout)) {
                throw new SandboxException("pause " + pause.pid() + " has not finished exiting, even after SIGKILL: its pid namespace still"
                        + " holds " + remainingMembers(pause.pid(), podPidNamespace)
                        + "; the parent of each must reap it before the sandbox can end");
            }
        }
        if (parentOf != null) {
            parentOf.waitFor();
        }
    }

    private static String pidNamespaceOf(long pid) {
        try {
            return NamespaceId.of(pid, Namespace.PID).toString();
        } catch (RuntimeException gone) {
            return "";
        }
    }

    /** "4567 (state Z, parent 890), …": the processes other than the pause in its pid namespace. */
    private static String remainingMembers(long pausePid, String podPidNamespace) {
        List<String> members = new ArrayList<>();
        for (long pid : Procfs.pids()) {
            if (pid != pausePid && !podPidNamespace.isEmpty() && podPidNamespace.equals(pidNamespaceOf(pid))) {
                members.add(pid + " (state " + Procfs.state(pid).orElse("?") + ", parent "
                        + Procfs.parentPid(pid).orElse(-1) + ")");
            }
        }
        return members.isEmpty() ? "no process this daemon can see" : String.join(", ", members);
    }

    private static void signal(PidFd pause, Signal signal) {
        try {
            pause.sendSignal(signal);
        } catch (SyscallException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e;
            }
        }
    }

    /**
     * The pause of {@code podUid}: by the pid and start time on record, or, when a crash came before
     * they were written, by its command line {@code <pause> pod=<uid>}. The pidfd is opened before
     * the check, so a pid reused in between is caught by the check instead of being signalled.
     */
    private Optional<PidFd> locatePause(String podUid, Optional<SandboxState> state) {
        if (state.isPresent() && state.get().pausePid() > 0) {
            SandboxState s = state.get();
            return open(s.pausePid()).filter(pidFd -> keepIf(pidFd, Procfs.startTime(s.pausePid()).orElse(-1) == s.pauseStartTime()));
        }
        for (long pid : Procfs.pids()) {
            if (isPauseOf(pid, podUid)) {
                Optional<PidFd> pidFd = open(pid).filter(fd -> keepIf(fd, isPauseOf(pid, podUid)));
                if (pidFd.isPresent()) {
                    return pidFd;
                }
            }
        }
        return Optional.empty();
    }

    private boolean isPauseOf(long pid, String podUid) {
        List<String> argv = Procfs.cmdline(pid);
        return argv.size() == 2 && argv.get(0).equals(pauseBinary.toString()) && argv.get(1).equals("pod=" + podUid);
    }

    private static Optional<PidFd> open(long pid) {
        try {
            return Optional.of(PidFd.open((int) pid));
        } catch (SyscallException e) {
            return Optional.empty();
        }
    }

    private static boolean keepIf(PidFd pidFd, boolean keep) {
        if (!keep) {
            pidFd.close();
        }
        return keep;
    }

    /**
     * Removes {@code dir} without following links. Pod mounts live in the pod's mount namespace and
     * are gone with it; anything still mounted below {@code dir} here is detached first, so the walk
     * can never delete through a mount into files that are not the pod's.
     */
    private static void removeDirectory(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            String prefix = dir.toRealPath() + "/";
            List<String> mounted = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/mountinfo"))) {
                String point = line.split(" ")[4];
                if (point.startsWith(prefix)) {
                    mounted.add(point);
                }
            }
            mounted.sort((a, b) -> b.length() - a.length());
            for (String point : mounted) {
                Mounts.umount(point, MountFlags.MNT_DETACH);
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new SandboxException("remove " + dir + ": " + e, e);
        }
    }

    private static String describe(Map<Namespace, NamespaceId> ids) {
        return ids.values().stream().map(NamespaceId::toString).collect(Collectors.joining(" "));
    }
}
