package io.podshim.runtime.container;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host path bound into a container: a volume (emptyDir, hostPath, with subPath resolved) or a
 * pod file such as /etc/hosts. {@code target} is absolute inside the container.
 *
 * @param propagation what the bind mount is made after it is bound ({@code MS_REC|MS_PRIVATE}: no
 *     mount event crosses it; {@code MS_REC|MS_SLAVE}: the host's mounts below the source appear in
 *     the container), or 0 to leave it as bound (a copy of the source's, in a namespace whose root is
 *     a slave of the host's)
 */
public record BindMount(Path source, String target, boolean readOnly, long propagation) {
    public BindMount(Path source, String target, boolean readOnly) {
        this(source, target, readOnly, 0);
    }

    public BindMount {
        Objects.requireNonNull(source, "source");
        if (!target.startsWith("/") || target.contains("/../") || target.endsWith("/..")) {
            throw new IllegalArgumentException("mount target \"" + target + "\" must be an absolute path without '..'");
        }
    }
}
