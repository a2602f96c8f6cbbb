package io.podshim.cgroups;

import io.podshim.linux.KernelFiles;
import io.podshim.linux.SyscallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reading and writing cgroup interface files. A refused write reads like
 * {@code write /sys/fs/cgroup/memory/podshim/…/memory.limit_in_bytes = "x": EINVAL (Invalid argument)}.
 */
final class CgroupFiles {
    private CgroupFiles() {}

    static void write(Path file, String value) {
        try {
            KernelFiles.write(file.toString(), value);
        } catch (SyscallException e) {
            throw new CgroupException("write " + file + " = \"" + value + "\": " + e.errno().name() + " ("
                    + e.errno().description() + ")", e);
        }
    }

    static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CgroupException("mkdir " + dir + ": " + e, e);
        }
    }

    static void write(Path file, long value) {
        write(file, Long.toString(value));
    }

    static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new CgroupException("read " + file + ": " + e, e);
        }
    }

    static long readLong(Path file) {
        String text = read(file);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CgroupException("read " + file + ": \"" + text + "\" is not a number", e);
        }
    }

    /** The value of a file that an older kernel may lack (memory.peak, cgroup.kill). */
    static OptionalLong readLongIfPresent(Path file) {
        return Files.exists(file) ? OptionalLong.of(readLong(file)) : OptionalLong.empty();
    }

    /** Files of {@code key value} lines: cpu.stat, memory.events, memory.oom_control, pids.events. */
    static Map<String, Long> readKeyed(Path file) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : read(file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                try {
                    values.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException notANumber) {
                    // e.g. "populated 1" is a number; anything else is not ours to read
                }
            }
        }
        return values;
    }

    /** The pids listed in {@code dir/cgroup.procs}; none if the cgroup is gone. */
    static List<Long> procs(Path dir) {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (NoSuchFileException gone) {
            return pids;
        } catch (IOException e) {
            throw new CgroupException("read " + dir.resolve("cgroup.procs") + ": " + e, e);
        }
        return pids;
    }
}
