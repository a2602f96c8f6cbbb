package io.podshim.runtime.pod;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a pod, in Kubernetes terms: phase (Pending, Running, Succeeded, Failed), the reason
 * of a failure (DeadlineExceeded), the kubectl-style one-word {@code display} status, conditions,
 * container statuses, QoS class, and what podshim adds to make the pod visible: the pause pid and
 * the pod cgroup with the limits written to it. {@code podIP} and {@code podIPs} are the pod's
 * addresses on the pod network (the node's with hostNetwork; null and empty without a network),
 * {@code hostIP} the node's, {@code podInterface} the interface the pod has them on (eth0), if its own.
 * {@code ephemeralContainers} are those added to the running pod ({@code podshim debug}).
 * {@code manifest} is what the pod runs from (its labels, annotations and the submitted object);
 * {@code creationTimestamp}, {@code deletionTimestamp} (while it is deleted: when its grace period
 * ends), {@code deletionGracePeriodSeconds} and {@code generation} are the object's metadata, as the
 * API server keeps them; {@code conditionTimes} when each condition took its value; {@code message}
 * says why the pod ended as it did, if it says anything.
 */
public record PodStatus(String name, String namespace, String uid, String phase, String reason, String display,
                        Map<String, Boolean> conditions, List<ContainerStatus> initContainers,
                        List<ContainerStatus> containers, String qosClass, Instant startTime, List<PodEvent> events,
                        int pausePid, String cgroup, Map<String, String> cgroupLimits, String podIP, List<String> podIPs,
                        String hostIP, String podInterface, List<ContainerStatus> ephemeralContainers,
                        PodManifest manifest, Instant creationTimestamp, Instant deletionTimestamp,
                        Long deletionGracePeriodSeconds, long generation, Map<String, Instant> conditionTimes, String message) {

    public boolean finished() {
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    /** "2/3": ready app containers over all of them, as kubectl's READY column. */
    public String readyColumn() {
        return containers.stream().filter(ContainerStatus::ready).count() + "/" + containers.size();
    }

    /** Every container of the pod: init, app, then ephemeral, in spec order. */
    public List<ContainerStatus> allContainers() {
        List<ContainerStatus> all = new java.util.ArrayList<>(initContainers);
        all.addAll(containers);
        all.addAll(ephemeralContainers);
        return all;
    }

    public int restarts() {
        return containers.stream().mapToInt(ContainerStatus::restartCount).sum()
                + initContainers.stream().mapToInt(ContainerStatus::restartCount).sum();
    }
}
