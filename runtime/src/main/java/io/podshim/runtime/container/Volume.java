package io.podshim.runtime.container;

/** A pod volume as the manifest declares it ({@code spec.volumes[i]}); the kinds podshim supports. */
public record Volume(String name, Source source) {

    public sealed interface Source {}

    /**
     * Scratch space living as long as the pod. {@code medium} "" is node disk; "Memory" is a tmpfs
     * of at most {@code sizeLimitBytes} (null: the tmpfs default).
     */
    public record EmptyDir(String medium, Long sizeLimitBytes) implements Source {}

    /** A path of the node, checked against {@code type} as kubelet does ("" checks nothing). */
    public record HostPath(String path, String type) implements Source {}
}
