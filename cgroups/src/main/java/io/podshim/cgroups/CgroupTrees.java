package io.podshim.cgroups;

import io.podshim.linux.KernelFiles;
import io.podshim.linux.Signals;
import io.podshim.linux.SyscallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Signal;

/** What both versions do the same way on a cgroup directory and the cgroups below it. */
final class CgroupTrees {
    private CgroupTrees() {}

    /** The cgroup directory and every directory below it, deepest first. */
    static List<Path> deepestFirst(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    .collect(Collectors.toList());
        } catch (NoSuchFileException gone) {
            return List.of();
        } catch (IOException e) {
            throw new CgroupException("list " + dir + ": " + e, e);
        }
    }

    static List<Long> procsBelow(Path dir) {
        List<Long> pids = new ArrayList<>();
        for (Path cgroup : deepestFirst(dir)) {
            pids.addAll(CgroupFiles.procs(cgroup));
        }
        return pids;
    }

    static void killEach(List<Long> pids) {
        for (long pid : pids) {
            try {
                Signals.kill((int) pid, Signal.SIGKILL);
            } catch (SyscallException e) {
                if (e.errno() != Errno.ESRCH) {
                    throw new CgroupException("kill " + pid + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * rmdir of every cgroup from the deepest up. A cgroup whose last process has just exited can
     * answer EBUSY for a moment while the kernel takes it offline: retry until {@code timeout}.
     */
    static void removeTree(Path dir, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Path cgroup : deepestFirst(dir)) {
            while (true) {
                try {
                    KernelFiles.rmdir(cgroup.toString());
                    break;
                } catch (SyscallException e) {
                    if (e.errno() == Errno.ENOENT) {
                        break;
                    }
                    if (e.errno() != Errno.EBUSY || System.nanoTime() > deadline) {
                        throw new CgroupException("rmdir " + cgroup + ": " + e.errno().name() + " (" + e.errno().description()
                                + ")" + (e.errno() == Errno.EBUSY ? "; still in it: " + CgroupFiles.procs(cgroup) : ""), e);
                    }
                    pause();
                }
            }
        }
    }

    /** rmdir of one cgroup; false if it still holds processes or children (EBUSY, ENOTEMPTY). */
    static boolean rmdirIfEmpty(Path dir) {
        try {
            KernelFiles.rmdir(dir.toString());
            return true;
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOENT) {
                return true;
            }
            if (e.errno() == Errno.EBUSY || e.errno() == Errno.ENOTEMPTY) {
                return false;
            }
            throw new CgroupException("rmdir " + dir + ": " + e.errno().name() + " (" + e.errno().description() + ")", e);
        }
    }

    /** Waits until {@code done} holds, checking every millisecond or so; false if {@code timeout} passes first. */
    static boolean await(Duration timeout, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause();
        }
        return true;
    }

    // cgroupfs offers no event for "frozen" or "emptied" that works on v1 and v2 alike: poll briefly.
    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("interrupted while waiting for a cgroup", e);
        }
    }
}
