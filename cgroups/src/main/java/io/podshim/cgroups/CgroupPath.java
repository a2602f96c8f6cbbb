package io.podshim.cgroups;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A cgroup relative to the hierarchy root, e.g. {@code podshim/burstable/pod<uid>/app}. */
public record CgroupPath(List<String> segments) {

    public CgroupPath {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a cgroup path needs at least one segment: podshim never manages the root");
        }
        for (String segment : segments) {
            if (segment.isEmpty() || segment.contains("/") || segment.equals(".") || segment.equals("..")
                    || segment.contains("\0") || segment.contains("\n")) {
                throw new IllegalArgumentException("\"" + segment + "\" cannot name a cgroup");
            }
        }
    }

    public static CgroupPath of(String first, String... rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(List.of(rest));
        return new CgroupPath(all);
    }

    public CgroupPath child(String name) {
        List<String> all = new ArrayList<>(segments);
        all.add(name);
        return new CgroupPath(all);
    }

    public String name() {
        return segments.get(segments.size() - 1);
    }

    /** Its directory under a hierarchy mounted at {@code mount}. */
    public Path in(Path mount) {
        return mount.resolve(String.join("/", segments));
    }

    @Override
    public String toString() {
        return String.join("/", segments);
    }
}
