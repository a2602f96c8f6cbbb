package io.podshim.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a test could leak, taken before and compared after: the JVM's open descriptors, the host's
 * mount table and the JVM's child processes. Compare with {@link #assertNothingLeakedSince}.
 */
public record HostSnapshot(TreeMap<Integer, String> fds, Set<String> mounts, Set<Long> children) {

    public static HostSnapshot take() {
        return new HostSnapshot(readFds(), readMounts(), readChildren());
    }

    /**
     * Fails naming every descriptor, mount and child process that exists now and did not before.
     * What went away meanwhile is no leak: a JDK HTTP client of an earlier test, say, lets go of
     * its sockets when it is collected.
     */
    public void assertNothingLeakedSince(HostSnapshot before) {
        TreeMap<Integer, String> newFds = new TreeMap<>(fds);
        newFds.entrySet().removeIf(e -> e.getValue().equals(before.fds.get(e.getKey())));
        assertEquals(new TreeMap<>(), newFds, "file descriptors the JVM opened and did not close");
        TreeSet<String> newMounts = new TreeSet<>(mounts);
        newMounts.removeAll(before.mounts);
        assertEquals(new TreeSet<>(), newMounts, "mounts left in the host mount table");
        TreeSet<Long> newChildren = new TreeSet<>(children);
        newChildren.removeAll(before.children);
        assertEquals(new TreeSet<>(), newChildren, "child processes of the JVM left running");
    }

    public static HostSnapshot takeAndCompare(HostSnapshot before) {
        HostSnapshot now = take();
        now.assertNothingLeakedSince(before);
        return now;
    }

    private static TreeMap<Integer, String> readFds() {
        TreeMap<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : dir) {
                try {
                    fds.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // The descriptor used to list the directory is gone by the time it is read.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The directory stream's own descriptor shows up as a link to /proc/<pid>/fd; the JDK's
        // container support reads the limits of the JVM's own cgroup whenever it likes; and its
        // NativePRNG opens /dev/random and /dev/urandom on first use and keeps them for good.
        List<String> ownCgroups = ownCgroupPaths();
        fds.values().removeIf(target -> target.matches("/proc/\\d+/fd") || target.equals("/dev/random")
                || target.equals("/dev/urandom")
                || target.startsWith("/sys/fs/cgroup/") && ownCgroups.stream().anyMatch(own -> target.contains(own + "/")));
        return fds;
    }

    /** The JVM's own cgroup paths, from /proc/self/cgroup ({@code N:controllers:/path}). */
    private static List<String> ownCgroupPaths() {
        try {
            List<String> paths = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String path = line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1);
                if (!path.equals("/")) {
                    paths.add(path);
                }
            }
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> readMounts() {
        try {
            // Mount ids and the optional fields change for reasons of their own; keep what a leak shows.
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(line -> line.split(" "))
                    .map(f -> f[4] + " " + f[3] + " " + f[f.length - 3] + " " + f[f.length - 2])
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<Long> readChildren() {
        long self = ProcessHandle.current().pid();
        List<Long> children = new ArrayList<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.parent().map(ProcessHandle::pid).orElse(-1L) == self)
                .forEach(p -> children.add(p.pid()));
        return new TreeSet<>(children);
    }
}
