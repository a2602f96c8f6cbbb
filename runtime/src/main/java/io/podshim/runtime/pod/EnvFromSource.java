package io.podshim.runtime.pod;

/**
 * A container's {@code envFrom[i]}: every key of a ConfigMap or a Secret (exactly one is named)
 * as a variable, {@code prefix} before its name.
 */
public record EnvFromSource(String prefix, String configMapName, String secretName, boolean optional) {

    /** "configmap" or "secret", as kubelet's messages name the kind. */
    public String kind() {
        return configMapName != null ? "configmap" : "secret";
    }

    public String objectName() {
        return configMapName != null ? configMapName : secretName;
    }
}
