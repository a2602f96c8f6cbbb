package io.podshim.runtime.container;

/** A pod volume as the manifest declares it ({@code spec.volumes[i]}); the kinds podshim supports. */
public record Volume(String name, Source source) {

    /** Named in a saved pod record ({@code pod.json}) by its kind. */
    @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME)
    @com.fasterxml.jackson.annotation.JsonSubTypes({
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = EmptyDir.class, name = "emptyDir"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = HostPath.class, name = "hostPath")})
    public sealed interface Source {}

    /**
     * Scratch space living as long as the pod. {@code medium} "" is node disk; "Memory" is a tmpfs
     * of at most {@code sizeLimitBytes} (null: the tmpfs default).
     */
    public record EmptyDir(String medium, Long sizeLimitBytes) implements Source {}

    /** A path of the node, checked against {@code type} as kubelet does ("" checks nothing). */
    public record HostPath(String path, String type) implements Source {}
}
