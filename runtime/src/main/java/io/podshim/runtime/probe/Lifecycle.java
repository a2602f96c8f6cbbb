package io.podshim.runtime.probe;

/** A container's lifecycle hooks, each null if unset. */
public record Lifecycle(Action postStart, Action preStop) {
    public static final Lifecycle NONE = new Lifecycle(null, null);
}
