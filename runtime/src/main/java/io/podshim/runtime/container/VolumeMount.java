package io.podshim.runtime.container;

/** A container's {@code volumeMounts[i]}: which volume, where, read-only or not, and an optional subPath. */
public record VolumeMount(String name, String mountPath, boolean readOnly, String subPath) {}
