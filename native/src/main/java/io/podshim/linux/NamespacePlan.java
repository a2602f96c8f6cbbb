package io.podshim.linux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link NamespaceThread} does, in this order: join the namespaces of a running process (by
 * pidfd, atomically) and/or namespaces held by files, create new ones, then run the setup steps.
 * Immutable; build one with {@link #named(String)}.
 */
public final class NamespacePlan {
    private final String purpose;
    private final PidFd joinTarget;
    private final Set<Namespace> joinKinds;
    private final Map<Namespace, Path> joinFiles;
    private final Set<Namespace> create;
    private final List<NamespaceStep> steps;

    private NamespacePlan(Builder b) {
        this.purpose = b.purpose;
        this.joinTarget = b.joinTarget;
        this.joinKinds = Collections.unmodifiableSet(EnumSet.copyOf(b.joinKinds));
        this.joinFiles = Collections.unmodifiableMap(new EnumMap<>(b.joinFiles));
        this.create = Collections.unmodifiableSet(EnumSet.copyOf(b.create));
        this.steps = List.copyOf(b.steps);
    }

    /** {@code purpose} names the thread ({@code ns-<purpose>}) and appears in thread dumps. */
    public static Builder named(String purpose) {
        return new Builder(purpose);
    }

    public String purpose() {
        return purpose;
    }

    public PidFd joinTarget() {
        return joinTarget;
    }

    public Set<Namespace> joinKinds() {
        return joinKinds;
    }

    public Map<Namespace, Path> joinFiles() {
        return joinFiles;
    }

    public Set<Namespace> create() {
        return create;
    }

    public List<NamespaceStep> steps() {
        return steps;
    }

    public static final class Builder {
        private final String purpose;
        private PidFd joinTarget;
        private final Set<Namespace> joinKinds = EnumSet.noneOf(Namespace.class);
        private final Map<Namespace, Path> joinFiles = new EnumMap<>(Namespace.class);
        private final Set<Namespace> create = EnumSet.noneOf(Namespace.class);
        private final List<NamespaceStep> steps = new ArrayList<>();

        private Builder(String purpose) {
            this.purpose = Objects.requireNonNull(purpose, "purpose");
        }

        /** Joins these namespaces of the process behind {@code target} with one setns(pidfd). */
        public Builder join(PidFd target, Set<Namespace> kinds) {
            if (joinTarget != null && joinTarget != target) {
                throw new IllegalArgumentException("a plan joins the namespaces of one process only");
            }
            refuseUser(kinds, "join");
            joinTarget = Objects.requireNonNull(target, "target");
            joinKinds.addAll(kinds);
            return this;
        }

        /** Joins the namespace held by an nsfs file ({@code /proc/<pid>/ns/net} or a bind mount of one). */
        public Builder joinFile(Namespace kind, Path file) {
            refuseUser(Set.of(kind), "join");
            joinFiles.put(kind, Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * Creates new namespaces of these kinds, after any joins. A new mount namespace is made
         * recursively slave at once, so nothing mounted in it propagates to the host (KERNEL-NOTES #6).
         */
        public Builder create(Set<Namespace> kinds) {
            refuseUser(kinds, "create");
            create.addAll(kinds);
            return this;
        }

        public Builder create(Namespace first, Namespace... rest) {
            return create(EnumSet.of(first, rest));
        }

        /** Runs {@code step} on the namespace thread once the namespaces are entered. */
        public Builder then(NamespaceStep step) {
            steps.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        public NamespacePlan build() {
            for (Namespace kind : joinFiles.keySet()) {
                if (joinKinds.contains(kind)) {
                    throw new IllegalArgumentException(kind.procName() + " namespace is joined twice: by pidfd and by file");
                }
            }
            return new NamespacePlan(this);
        }

        private static void refuseUser(Set<Namespace> kinds, String verb) {
            if (kinds.contains(Namespace.USER)) {
                // unshare/setns(CLONE_NEWUSER) fails with EINVAL in a multithreaded process (KERNEL-NOTES #2).
                throw new IllegalArgumentException("cannot " + verb + " a user namespace from the JVM: "
                        + "the kernel refuses CLONE_NEWUSER to a multithreaded process; podshim runs rootful");
            }
        }
    }
}
