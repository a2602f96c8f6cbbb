package io.podshim.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** What /proc says about a process, as the reader's pid namespace sees it (proc(5)). */
public final class Procfs {
    private Procfs() {}

    /**
     * Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. A pid plus
     * its start time names one process for good, even after the pid is reused. Empty if gone.
     */
    public static OptionalLong startTime(long pid) {
        return stat(pid).map(fields -> OptionalLong.of(Long.parseLong(fields.get(19)))).orElse(OptionalLong.empty());
    }

    /** /proc/PID/oom_score_adj: how much more (or less) the OOM killer picks the process; empty if gone. */
    public static java.util.OptionalInt oomScoreAdj(long pid) {
        try {
            return java.util.OptionalInt.of(Integer.parseInt(java.nio.file.Files.readString(
                    java.nio.file.Path.of("/proc/" + pid + "/oom_score_adj")).strip()));
        } catch (java.io.IOException | NumberFormatException e) {
            return java.util.OptionalInt.empty();
        }
    }

    /**
     * Writes /proc/PID/oom_score_adj. Lowering it below the writer's own needs CAP_SYS_RESOURCE
     * (EACCES without); raising it never does.
     */
    public static void setOomScoreAdj(long pid, int score) {
        java.nio.file.Path file = java.nio.file.Path.of("/proc/" + pid + "/oom_score_adj");
        try {
            java.nio.file.Files.writeString(file, Integer.toString(score));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("write " + file + " (" + score + "): " + e.getMessage(), e);
        }
    }

    /** Field 4 of /proc/PID/stat: the parent's pid. */
    public static OptionalLong parentPid(long pid) {
        return stat(pid).map(fields -> OptionalLong.of(Long.parseLong(fields.get(1)))).orElse(OptionalLong.empty());
    }

    /** Field 3 of /proc/PID/stat: R, S, Z (zombie)… */
    public static Optional<String> state(long pid) {
        return stat(pid).map(fields -> fields.get(0));
    }

    /** NSpid of /proc/PID/status: the pid in each pid namespace, from the reader's down to its own. */
    public static List<Long> nsPids(long pid) {
        for (String line : lines(pid, "status")) {
            if (line.startsWith("NSpid:")) {
                List<Long> pids = new ArrayList<>();
                for (String value : line.substring(6).trim().split("\\s+")) {
                    pids.add(Long.parseLong(value));
                }
                return pids;
            }
        }
        return List.of();
    }

    /** argv of the process; empty for a zombie, a kernel thread or a process that is gone. */
    public static List<String> cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            if (raw.length == 0) {
                return List.of();
            }
            String text = new String(raw, StandardCharsets.UTF_8);
            return Arrays.asList(text.substring(0, text.length() - (text.endsWith("\0") ? 1 : 0)).split("\0", -1));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Every pid /proc lists now. */
    public static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                pids.add(Long.parseLong(entry.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("list /proc: " + e.getMessage(), e);
        }
        return pids;
    }

    /** The fields of /proc/PID/stat after the command name, which may itself hold spaces and ')'. */
    private static Optional<List<String>> stat(long pid) {
        List<String> lines = lines(pid, "stat");
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String line = lines.get(0);
        return Optional.of(Arrays.asList(line.substring(line.lastIndexOf(')') + 2).split(" ")));
    }

    private static List<String> lines(long pid, String file) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            // Gone (ENOENT/ESRCH while reading): the caller sees "no such process".
            return List.of();
        }
    }
}
