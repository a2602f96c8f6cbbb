package io.podshim.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * cgroup v1: each controller in a hierarchy of its own (or co-mounted with others). A cgroup is a
 * directory of the same relative path in each hierarchy podshim uses: cpu, cpuacct, memory, pids,
 * and freezer (for kill-all).
 */
public final class V1Manager implements CgroupManager {
    private static final List<Controller> CONTROLLERS = List.of(new CpuV1(), new CpuacctV1(), new MemoryV1(), new Pids());

    private final Map<String, Path> mounts = new LinkedHashMap<>();
    private final Set<Path> hierarchies = new LinkedHashSet<>();

    public V1Manager(CgroupHost host) {
        List<String> missing = new ArrayList<>();
        for (String name : List.of("cpu", "cpuacct", "memory", "pids", "freezer")) {
            Path mount = host.v1Mounts().get(name);
            if (mount == null) {
                missing.add(name);
            } else {
                mounts.put(name, mount);
                hierarchies.add(mount);
            }
        }
        if (!missing.isEmpty()) {
            throw new CgroupException("cgroup v1 controllers " + missing + " are not mounted; mount them under /sys/fs/cgroup"
                    + " or boot with cgroup v2");
        }
    }

    @Override
    public CgroupMode mode() {
        return CgroupMode.V1;
    }

    @Override
    public void create(CgroupPath path) {
        for (Path mount : hierarchies) {
            CgroupFiles.mkdirs(path.in(mount));
        }
    }

    @Override
    public void apply(CgroupPath path, CgroupLimits limits) {
        for (Controller controller : CONTROLLERS) {
            controller.apply(directory(path, controller.name()), limits);
        }
    }

    @Override
    public void place(CgroupPath path, long pid) {
        for (Path mount : hierarchies) {
            CgroupFiles.write(path.in(mount).resolve("cgroup.procs"), pid);
        }
    }

    @Override
    public List<Long> pids(CgroupPath path) {
        return CgroupTrees.procsBelow(directory(path, "freezer"));
    }

    @Override
    public CgroupStats stats(CgroupPath path) {
        CgroupStats.Builder stats = new CgroupStats.Builder();
        for (Controller controller : CONTROLLERS) {
            controller.readStats(directory(path, controller.name()), stats);
        }
        return stats.build();
    }

    @Override
    public boolean exists(CgroupPath path) {
        return hierarchies.stream().anyMatch(mount -> Files.isDirectory(path.in(mount)));
    }

    /**
     * Freeze, SIGKILL everything, thaw: frozen processes cannot fork, so nothing escapes between
     * listing and killing. Then wait until the cgroup is empty.
     */
    @Override
    public void killAll(CgroupPath path, Duration timeout) {
        Path freezer = directory(path, "freezer");
        if (!Files.isDirectory(freezer)) {
            return;
        }
        CgroupFiles.write(freezer.resolve("freezer.state"), "FROZEN");
        try {
            CgroupTrees.await(timeout, () -> CgroupFiles.read(freezer.resolve("freezer.state")).equals("FROZEN"));
            CgroupTrees.killEach(CgroupTrees.procsBelow(freezer));
        } finally {
            CgroupFiles.write(freezer.resolve("freezer.state"), "THAWED");
        }
        if (!CgroupTrees.await(timeout, () -> CgroupTrees.procsBelow(freezer).isEmpty())) {
            throw new CgroupException("kill all in " + freezer + ": still running after " + timeout.toMillis() + " ms: "
                    + CgroupTrees.procsBelow(freezer));
        }
    }

    @Override
    public boolean removeIfEmpty(CgroupPath path) {
        boolean gone = true;
        for (Path mount : hierarchies) {
            gone &= CgroupTrees.rmdirIfEmpty(path.in(mount));
        }
        return gone;
    }

    @Override
    public void remove(CgroupPath path, Duration timeout) {
        for (Path mount : hierarchies) {
            CgroupTrees.removeTree(path.in(mount), timeout);
        }
    }

    @Override
    public Map<String, Path> containerView(CgroupPath path) {
        Map<String, Path> view = new LinkedHashMap<>();
        mounts.forEach((controller, mount) -> view.put(mount.getFileName().toString(), path.in(mount)));
        return view;
    }

    @Override
    public Path directory(CgroupPath path, String controller) {
        Path mount = mounts.get(controller);
        if (mount == null) {
            throw new IllegalArgumentException("podshim does not use the v1 controller " + controller);
        }
        return path.in(mount);
    }
}
