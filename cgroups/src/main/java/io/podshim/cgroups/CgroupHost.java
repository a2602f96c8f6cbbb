package io.podshim.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How this host mounts cgroups, read from mountinfo. {@code root} is where the paths of mountinfo
 * are looked up: {@code /} on a real host, a fixture directory in tests.
 *
 * @param v1Mounts each v1 controller and where its hierarchy is mounted (co-mounted ones share a path)
 * @param unifiedMount the cgroup2 mount, or null
 * @param v2Controllers the controllers the cgroup2 root offers (empty on a hybrid host)
 */
public record CgroupHost(CgroupMode mode, Map<String, Path> v1Mounts, Path unifiedMount, Set<String> v2Controllers) {
    private static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "pids", "freezer",
            "devices", "blkio", "net_cls", "net_prio", "hugetlb", "perf_event", "rdma", "misc");

    public static CgroupHost detect() {
        return detect(Path.of("/proc/self/mountinfo"), Path.of("/"));
    }

    public static CgroupHost detect(Path mountinfo, Path root) {
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo);
        } catch (IOException e) {
            throw new CgroupException("read " + mountinfo + ": " + e, e);
        }
        Map<String, Path> v1 = new LinkedHashMap<>();
        Path unified = null;
        for (String line : lines) {
            String[] fields = line.split(" ");
            int dash = List.of(fields).indexOf("-");
            if (dash < 0 || fields.length < dash + 4) {
                continue;
            }
            String fsType = fields[dash + 1];
            Path mountPoint = root.resolve(unescape(fields[4]).substring(1));
            if (fsType.equals("cgroup2")) {
                unified = mountPoint;
            } else if (fsType.equals("cgroup")) {
                for (String option : fields[dash + 3].split(",")) {
                    if (V1_CONTROLLERS.contains(option)) {
                        v1.putIfAbsent(option, mountPoint);
                    }
                }
            }
        }
        Set<String> controllers = new LinkedHashSet<>();
        if (unified != null && Files.exists(unified.resolve("cgroup.controllers"))) {
            String listed = CgroupFiles.read(unified.resolve("cgroup.controllers"));
            if (!listed.isEmpty()) {
                controllers.addAll(List.of(listed.split("\\s+")));
            }
        }
        CgroupMode mode;
        if (v1.isEmpty() && unified != null) {
            mode = CgroupMode.V2;
        } else if (!v1.isEmpty() && unified != null) {
            mode = CgroupMode.HYBRID;
        } else if (!v1.isEmpty()) {
            mode = CgroupMode.V1;
        } else {
            throw new CgroupException("no cgroup filesystem is mounted (per " + mountinfo + "): mount cgroup2 at /sys/fs/cgroup");
        }
        return new CgroupHost(mode, Collections.unmodifiableMap(v1), unified, Collections.unmodifiableSet(controllers));
    }

    /** mountinfo escapes space, tab, newline and backslash as octal (\040…). */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
