package io.podshim.runtime.pod;

/**
 * A ConfigMap, Secret or key a container or volume needs is not there (yet): the container waits
 * (CreateContainerConfigError), or the pod does (FailedMount), until it is applied. The message is
 * kubelet's, and names the object and key, never a value.
 */
final class MissingConfig extends RuntimeException {
    MissingConfig(String message) {
        super(message, null, false, false);
    }
}
