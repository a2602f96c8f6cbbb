package io.podshim.runtime.pod;

import io.podshim.cgroups.CgroupLimits;
import io.podshim.cgroups.CpuConversions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A pod's {@link PodStatus} as Kubernetes would report it, from what its executor holds. */
final class PodStatusView {
    private PodStatusView() {}

    static PodStatus of(PodRun pod) {
        List<ContainerStatus> initStatus = pod.containers.stream().filter(c -> c.init).map(c -> c.status(pod.manifest.uid())).toList();
        List<ContainerStatus> appStatus = pod.containers.stream().filter(c -> !c.init && !c.ephemeral).map(c -> c.status(pod.manifest.uid())).toList();
        List<ContainerStatus> ephemeralStatus = pod.containers.stream().filter(c -> c.ephemeral).map(c -> c.status(pod.manifest.uid())).toList();
        boolean initialized = pod.containers.stream().anyMatch(c -> !c.init && !c.ephemeral && c.started)
                || pod.containers.stream().filter(c -> c.init).allMatch(c -> c.spec.sidecar()
                ? c.startedUp() : c.state.is(ContainerState.Kind.TERMINATED) && c.state.exitCode() == 0);
        PodPhase phase = pod.phase();
        boolean terminating = pod.lifecycle == PodLifecycle.TERMINATING;
        // As Kubernetes counts it since sidecars: the app containers and the sidecars must all be ready.
        boolean ready = !phase.finished() && !terminating && appStatus.stream().allMatch(ContainerStatus::ready)
                && initStatus.stream().filter(ContainerStatus::sidecar).allMatch(ContainerStatus::ready);
        Map<String, Boolean> conditions = new LinkedHashMap<>();
        // As kubelet: true once the sandbox, its network included, is there.
        conditions.put("PodReadyToStartContainers", pod.sandbox != null && pod.lifecycle != PodLifecycle.DONE);
        conditions.put("Initialized", initialized);
        conditions.put("ContainersReady", ready);
        conditions.put("Ready", ready);
        // As the status manager: a condition's lastTransitionTime moves only when its value does.
        Instant now = Instant.now();
        Map<String, Instant> since = new LinkedHashMap<>();
        conditions.forEach((type, value) -> {
            PodRecord.Condition was = pod.conditions.get(type);
            if (was == null || was.status() != value) {
                was = new PodRecord.Condition(value, now);
                pod.conditions.put(type, was);
            }
            since.put(type, was.since());
        });
        String reason = phase.finished() ? pod.outcomeReason : null;
        boolean present = pod.sandbox != null && pod.lifecycle != PodLifecycle.DONE;
        List<String> ips = podIPs(pod);
        return new PodStatus(pod.manifest.name(), pod.manifest.namespace(), pod.manifest.uid(), phase.kubernetesName(), reason,
                StatusText.of(phase.kubernetesName(), reason, terminating, initStatus, appStatus), conditions, initStatus, appStatus,
                pod.resources == null ? "" : pod.resources.qos().kubernetesName(), pod.startTime, pod.events.list(),
                present ? pod.sandbox.pausePid() : 0, pod.podCgroup == null ? "" : pod.podCgroup.toString(), cgroupLimits(pod),
                ips.isEmpty() ? null : ips.get(0), ips, pod.engine.hostIP(),
                pod.manifest.spec().hostNetwork() || ips.isEmpty() ? null : pod.network.interfaceName(), ephemeralStatus,
                pod.manifest, pod.creationTimestamp, pod.deletionTimestamp, pod.deletionGracePeriodSeconds, pod.generation, since,
                reason == null ? null : pod.events.list().stream().filter(e -> reason.equals(e.reason())).map(PodEvent::message)
                        .reduce((a, b) -> b).orElse(null));
    }

    /** The pod's addresses: its CNI result's, or with hostNetwork the node's; none once it is gone. */
    static List<String> podIPs(PodRun pod) {
        if (pod.sandbox == null || pod.lifecycle == PodLifecycle.DONE) {
            return List.of();
        }
        if (pod.manifest.spec().hostNetwork()) {
            String host = pod.engine.hostIP();
            return host == null ? List.of() : List.of(host);
        }
        return pod.network.podIPs();
    }

    /** The pod cgroup's limits, as computed from the effective requests and limits (for describe). */
    private static Map<String, String> cgroupLimits(PodRun pod) {
        Map<String, String> limits = new LinkedHashMap<>();
        if (pod.resources == null) {
            return limits;
        }
        CgroupLimits l = pod.resources.limits(null);
        long shares = CpuConversions.shares(l.cpuRequestMilli());
        limits.put("cpu request", l.cpuRequestMilli() + "m (cpu.shares " + shares + ", cpu.weight " + CpuConversions.weight(shares) + ")");
        limits.put("cpu limit", l.cpuLimitMilli() == null ? "none" : l.cpuLimitMilli() + "m (quota "
                + CpuConversions.quota(l.cpuLimitMilli()) + " µs per " + CpuConversions.PERIOD_US + " µs)");
        limits.put("memory limit", l.memoryLimitBytes() == null ? "none" : l.memoryLimitBytes() + " bytes");
        return limits;
    }
}
