package io.podshim.runtime.probe;

/**
 * A container's startup, liveness or readiness probe, with the Kubernetes defaults applied when it
 * was read: initialDelaySeconds 0, periodSeconds 10, timeoutSeconds 1, successThreshold 1,
 * failureThreshold 3.
 *
 * @param terminationGracePeriodSeconds the grace given to a container this probe kills (liveness
 *     and startup only), or null for the pod's
 */
public record Probe(Action action, long initialDelaySeconds, long periodSeconds, long timeoutSeconds, int successThreshold,
                   int failureThreshold, Long terminationGracePeriodSeconds) {}
