package io.podshim.runtime.pod;

/**
 * A container's {@code env[i]}: a literal value (which may refer to earlier variables as
 * {@code $(NAME)}), or a value from somewhere else, resolved when the container starts.
 */
public record EnvVar(String name, String value, ValueFrom valueFrom) {

    public static EnvVar literal(String name, String value) {
        return new EnvVar(name, value, null);
    }

    /** Exactly one of its members is set, as the API server requires. */
    public record ValueFrom(String fieldPath, ResourceRef resourceFieldRef, KeyRef configMapKeyRef, KeyRef secretKeyRef) {}

    /**
     * A container's limit or request ({@code limits.cpu}, {@code requests.memory}, …) in units of
     * {@code divisor} ("1" unless given), rounded up as kubelet rounds it.
     *
     * @param containerName the container whose resources (null: the one the variable is for)
     */
    public record ResourceRef(String containerName, String resource, String divisor) {}

    /** A key of a ConfigMap or Secret of the pod's namespace; an optional one may be missing. */
    public record KeyRef(String name, String key, boolean optional) {}
}
