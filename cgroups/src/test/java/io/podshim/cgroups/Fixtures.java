package io.podshim.cgroups;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** File layouts of cgroupfs as plain directories: what a host of each kind mounts, and a cgroup's files. */
final class Fixtures {
    private Fixtures() {}

    /** This project's development machine: v1 controllers, one hierarchy each, and an empty cgroup2. */
    static final String HYBRID_MOUNTINFO = String.join("\n",
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
            "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
            "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
            "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw", "");

    /** systemd's legacy layout: cpu and cpuacct co-mounted, no cgroup2. */
    static final String V1_MOUNTINFO = String.join("\n",
            "25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct",
            "26 24 0:23 / /sys/fs/cgroup/memory rw,nosuid shared:10 - cgroup cgroup rw,memory",
            "27 24 0:24 / /sys/fs/cgroup/pids rw,nosuid shared:11 - cgroup cgroup rw,pids",
            "28 24 0:25 / /sys/fs/cgroup/freezer rw,nosuid shared:12 - cgroup cgroup rw,freezer", "");

    /** A unified host. */
    static final String V2_MOUNTINFO =
            "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";

    static CgroupHost host(Path root, String mountinfo, String v2Controllers) {
        try {
            Path file = root.resolve("mountinfo");
            Files.writeString(file, mountinfo);
            if (v2Controllers != null) {
                Path unified = mountinfo.contains("/sys/fs/cgroup/unified") ? root.resolve("sys/fs/cgroup/unified") : root.resolve("sys/fs/cgroup");
                Files.createDirectories(unified);
                Files.writeString(unified.resolve("cgroup.controllers"), v2Controllers + "\n");
                Files.writeString(unified.resolve("cgroup.subtree_control"), "\n");
            }
            return CgroupHost.detect(file, root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates {@code dir} holding {@code files}, each empty or with the given content ("name=content"). */
    static void cgroup(Path dir, List<String> files) {
        try {
            Files.createDirectories(dir);
            for (String file : files) {
                String[] nameContent = file.split("=", 2);
                Files.writeString(dir.resolve(nameContent[0]), nameContent.length == 2 ? nameContent[1].replace("\\n", "\n") : "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
