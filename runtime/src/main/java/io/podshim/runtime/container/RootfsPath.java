package io.podshim.runtime.container;

import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside a container's root filesystem as the container would see it: symlinks in
 * the image are followed relative to the rootfs, never out of it. A mount target taken as a plain
 * host path could follow an image's {@code /etc -> /var/lib/...} onto the host.
 */
final class RootfsPath {
    private static final int MAX_LINKS = 40;

    private RootfsPath() {}

    static Path resolve(Path rootfs, String inside) {
        Deque<String> todo = new ArrayDeque<>(List.of(inside.split("/")));
        Path current = rootfs;
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(rootfs) ? rootfs : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++links > MAX_LINKS) {
                    throw PodException.invalid(inside + ": too many levels of symbolic links in the image");
                }
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    throw new PodException("read link " + next + ": " + e, e);
                }
                List<String> parts = List.of(target.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                if (target.startsWith("/")) {
                    current = rootfs;
                }
                continue;
            }
            current = next;
        }
        if (!current.startsWith(rootfs) || Files.isSymbolicLink(current)) {
            throw PodException.invalid(inside + " resolves outside the container's root filesystem");
        }
        return current;
    }
}
