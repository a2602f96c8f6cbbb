package io.podshim.runtime.pod;

import java.time.Duration;
import java.time.Instant;

/** How a pod's probes and hooks ({@link PodHealth}) reach back into the pod's executor. */
final class HealthCallbacks implements PodHealth.Pod {
    private final PodRun pod;

    HealthCallbacks(PodRun pod) {
        this.pod = pod;
    }

    @Override
    public void event(String type, String reason, String object, String message) {
        pod.events.add(type, reason, object, message);
    }

    @Override
    public void kill(ContainerRun c, Duration grace) {
        if (pod.lifecycle.stopping()) {
            return; // the pod's own stop is under way, with its own grace
        }
        pod.stopContainer(c, Instant.now().plus(grace));
        pod.engine.publish(pod);
    }

    @Override
    public void startedUp(ContainerRun c) {
        // Only a sidecar's start lets anything else go (the next init container). Not from within
        // the launch: the round of decisions that launched it goes on by itself.
        if (c.role() == PodDecisions.Role.SIDECAR) {
            pod.engine.supervisor().after(Duration.ZERO, pod::sync);
        }
    }

    @Override
    public void changed() {
        pod.engine.publish(pod);
    }

    @Override
    public io.podshim.runtime.probe.Target target(ContainerRun c) {
        return new io.podshim.runtime.probe.Target(pod.engine.core().execStage(), pod.sandbox.pausePidFd(),
                c.process.container().orElse(null), c.plan);
    }

    @Override
    public Duration grace() {
        return Duration.ofSeconds(pod.manifest.spec().terminationGracePeriodSeconds());
    }
}
