package io.podshim.runtime.container;

import java.util.List;

/** A pod volume as the manifest declares it ({@code spec.volumes[i]}); the kinds podshim supports. */
public record Volume(String name, Source source) {

    /** Named in a saved pod record ({@code pod.json}) by its kind. */
    @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME)
    @com.fasterxml.jackson.annotation.JsonSubTypes({
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = EmptyDir.class, name = "emptyDir"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = HostPath.class, name = "hostPath"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = ConfigMap.class, name = "configMap"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Secret.class, name = "secret"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = DownwardAPI.class, name = "downwardAPI"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Projected.class, name = "projected"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Claim.class, name = "persistentVolumeClaim"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Image.class, name = "image")})
    public sealed interface Source {}

    /** What a projected volume holds: ConfigMap, Secret and downward API files, written by podshim and kept up to date. */
    public sealed interface Projection extends Source {}

    /**
     * Scratch space living as long as the pod. {@code medium} "" is node disk; "Memory" is a tmpfs
     * of at most {@code sizeLimitBytes} (null: the tmpfs default).
     */
    public record EmptyDir(String medium, Long sizeLimitBytes) implements Source {}

    /** A path of the node, checked against {@code type} as kubelet does ("" checks nothing). */
    public record HostPath(String path, String type) implements Source {}

    /**
     * One key of a ConfigMap or Secret as a file: {@code path} relative to the volume, {@code mode}
     * its permission bits (null: the volume's defaultMode).
     */
    public record KeyToPath(String key, String path, Integer mode) {}

    /** The keys of ConfigMap {@code name} as files (all of them unless {@code items} picks some). */
    public record ConfigMap(String name, List<KeyToPath> items, Integer defaultMode, boolean optional) implements Projection {
        public ConfigMap {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    /** The keys of Secret {@code secretName} as files, on memory. */
    public record Secret(String secretName, List<KeyToPath> items, Integer defaultMode, boolean optional) implements Projection {
        public Secret {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    /**
     * A file of the pod's own facts: {@code fieldPath} (metadata.name, labels, …) or a container's
     * resource ({@code resource} of {@code containerName}, in units of {@code divisor}).
     */
    public record DownwardFile(String path, String fieldPath, String containerName, String resource, String divisor, Integer mode) {}

    public record DownwardAPI(List<DownwardFile> items, Integer defaultMode) implements Projection {
        public DownwardAPI {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    /** Several sources in one directory; their own defaultMode is the projected volume's. */
    public record Projected(List<Projection> sources, Integer defaultMode) implements Projection {
        public Projected {
            sources = List.copyOf(sources);
        }
    }

    /**
     * An image's file system, read-only (Kubernetes' image volume): pulled as {@code pullPolicy}
     * says, as a container's image is.
     */
    public record Image(String reference, String pullPolicy) implements Source {}

    /**
     * A PersistentVolumeClaim of the pod's namespace: a named volume of this node that outlives the
     * pod; or, {@code ephemeral}, one made from the pod's volumeClaimTemplate (named
     * {@code <pod>-<volume>}) that goes with the pod, as Kubernetes' generic ephemeral volumes do.
     */
    public record Claim(String claimName, boolean readOnly, boolean ephemeral) implements Source {
        public Claim(String claimName, boolean readOnly) {
            this(claimName, readOnly, false);
        }
    }
}
