package io.podshim.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * cgroup v2: one hierarchy. A controller works in a cgroup only if every ancestor enables it in
 * cgroup.subtree_control, and a cgroup that enables controllers for children may hold no process
 * itself ("no internal processes"): processes live in leaves.
 */
public final class V2Manager implements CgroupManager {
    private static final List<Controller> CONTROLLERS = List.of(new CpuV2(), new MemoryV2(), new Pids());

    private final Path mount;
    private final List<String> enabled = new ArrayList<>();

    public V2Manager(CgroupHost host) {
        this.mount = host.unifiedMount();
        List<String> missing = new ArrayList<>();
        for (Controller controller : CONTROLLERS) {
            if (host.v2Controllers().contains(controller.name())) {
                enabled.add(controller.name());
            } else {
                missing.add(controller.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new CgroupException("the cgroup v2 hierarchy at " + mount + " does not offer " + missing
                    + " (cgroup.controllers: " + host.v2Controllers() + ")");
        }
    }

    @Override
    public CgroupMode mode() {
        return CgroupMode.V2;
    }

    @Override
    public void create(CgroupPath path) {
        Path dir = mount;
        String enable = String.join(" ", enabled.stream().map(c -> "+" + c).toList());
        for (String segment : path.segments()) {
            if (!List.of(CgroupFiles.read(dir.resolve("cgroup.subtree_control")).split("\\s+")).containsAll(enabled)) {
                CgroupFiles.write(dir.resolve("cgroup.subtree_control"), enable);
            }
            dir = dir.resolve(segment);
            CgroupFiles.mkdirs(dir);
        }
    }

    @Override
    public void apply(CgroupPath path, CgroupLimits limits) {
        for (Controller controller : CONTROLLERS) {
            controller.apply(path.in(mount), limits);
        }
    }

    @Override
    public void place(CgroupPath path, long pid) {
        CgroupFiles.write(path.in(mount).resolve("cgroup.procs"), pid);
    }

    @Override
    public List<Long> pids(CgroupPath path) {
        return CgroupTrees.procsBelow(path.in(mount));
    }

    @Override
    public CgroupStats stats(CgroupPath path) {
        CgroupStats.Builder stats = new CgroupStats.Builder();
        for (Controller controller : CONTROLLERS) {
            controller.readStats(path.in(mount), stats);
        }
        return stats.build();
    }

    @Override
    public boolean exists(CgroupPath path) {
        return Files.isDirectory(path.in(mount));
    }

    /** cgroup.kill (Linux 5.14+) kills the whole subtree at once; else freeze, kill, thaw as in v1. */
    @Override
    public void killAll(CgroupPath path, Duration timeout) {
        killAll(path, timeout, Files.exists(path.in(mount).resolve("cgroup.kill")));
    }

    /** With {@code useCgroupKill} false, the fallback for kernels before 5.14, which tests run on any v2 kernel. */
    void killAll(CgroupPath path, Duration timeout, boolean useCgroupKill) {
        Path dir = path.in(mount);
        if (!Files.isDirectory(dir)) {
            return;
        }
        if (useCgroupKill) {
            CgroupFiles.write(dir.resolve("cgroup.kill"), "1");
        } else {
            // A frozen process cannot fork, so none escapes between listing and killing; on v2 a
            // fatal signal ends a frozen process without a thaw, but thaw anyway so nothing stays stopped.
            CgroupFiles.write(dir.resolve("cgroup.freeze"), "1");
            try {
                CgroupTrees.await(timeout, () -> CgroupFiles.readKeyed(dir.resolve("cgroup.events")).getOrDefault("frozen", 0L) == 1);
                CgroupTrees.killEach(CgroupTrees.procsBelow(dir));
            } finally {
                CgroupFiles.write(dir.resolve("cgroup.freeze"), "0");
            }
        }
        if (!CgroupTrees.await(timeout, () -> CgroupFiles.readKeyed(dir.resolve("cgroup.events")).getOrDefault("populated", 0L) == 0)) {
            throw new CgroupException("kill all in " + dir + ": still populated after " + timeout.toMillis() + " ms: "
                    + CgroupTrees.procsBelow(dir));
        }
    }

    @Override
    public boolean removeIfEmpty(CgroupPath path) {
        return CgroupTrees.rmdirIfEmpty(path.in(mount));
    }

    @Override
    public void remove(CgroupPath path, Duration timeout) {
        CgroupTrees.removeTree(path.in(mount), timeout);
    }

    @Override
    public java.util.Map<String, Path> containerView(CgroupPath path) {
        return java.util.Map.of();
    }

    @Override
    public Path directory(CgroupPath path, String controller) {
        return path.in(mount);
    }
}
