package io.podshim.runtime.container;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host path bound into a container: a volume (emptyDir, hostPath, with subPath resolved) or a
 * pod file such as /etc/hosts. {@code target} is absolute inside the container.
 */
public record BindMount(Path source, String target, boolean readOnly) {
    public BindMount {
        Objects.requireNonNull(source, "source");
        if (!target.startsWith("/") || target.contains("/../") || target.endsWith("/..")) {
            throw new IllegalArgumentException("mount target \"" + target + "\" must be an absolute path without '..'");
        }
    }
}
