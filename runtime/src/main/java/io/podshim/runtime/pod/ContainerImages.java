package io.podshim.runtime.pod;

import io.podshim.runtime.PodException;
import io.podshim.runtime.image.registry.ImagePuller;
import java.time.Duration;
import java.time.Instant;

/**
 * How a pod's executor gets each container its image, as kubelet's image manager does: the pull
 * (shared with any pull of the same image under way), its outcome in the container's state and in
 * events (Pulling, Pulled; ErrImagePull, then ImagePullBackOff, with the restart back-off's delays,
 * none of it counted as a restart), and a missing image under Never (ErrImageNeverPull).
 * Supervisor thread only.
 */
final class ContainerImages {
    private final PodRun pod;

    ContainerImages(PodRun pod) {
        this.pod = pod;
    }

    /** The store's copy of each container's image, for the decisions to know what is present. */
    void refresh() {
        for (ContainerRun c : pod.containers) {
            if (c.image == null) {
                c.image = pod.engine.findImage(c.spec.image()).orElse(null);
            }
        }
    }

    /** {@code c}'s spec names another image now: its next run looks for that one, as its policy says. */
    void forget(ContainerRun c) {
        c.image = null;
        c.freshPull = false;
        c.pull = PodDecisions.Pull.NONE;
        c.pullFailures = 0;
        c.pullFailedAt = null;
        c.pullRetryAt = null;
        c.pullError = null;
    }

    void pull(ContainerRun c) {
        c.pull = PodDecisions.Pull.PULLING;
        if (!c.running()) {
            c.state = ContainerState.waiting("ContainerCreating", null);
        }
        String image = c.spec.image();
        pod.events.add("Normal", "Pulling", c.name(), "Pulling image \"" + image + "\"");
        long asked = System.nanoTime();
        PodConfig.PullSecrets secrets = pod.config.pullSecrets();
        if (!secrets.missing().isEmpty()) {
            pod.events.add("Warning", "FailedToRetrieveImagePullSecret", c.name(), "Unable to retrieve some image pull secrets ("
                    + String.join(", ", secrets.missing()) + "); attempting to pull the image may not succeed.");
        }
        pod.engine.pulls().pull(image, secrets.offered(), secrets.offeredBy()).whenComplete((pulled, failed) -> pod.engine.supervisor().call(() -> {
            if (c.pull == PodDecisions.Pull.PULLING) {
                Duration took = Duration.ofNanos(System.nanoTime() - asked);
                if (failed == null) {
                    pulled(c, pulled, took);
                } else {
                    failed(c, failed instanceof java.util.concurrent.CompletionException ? failed.getCause() : failed);
                }
                pod.sync();
            }
            return null;
        }));
    }

    private void pulled(ContainerRun c, ImagePuller.Pulled pulled, Duration took) {
        forget(c); // what any earlier pull left
        c.image = pulled.image();
        c.freshPull = true;
        String seconds = String.format(java.util.Locale.ROOT, "%.3fs", took.toNanos() / 1e9);
        pod.events.add("Normal", "Pulled", c.name(), "Successfully pulled image \"" + c.spec.image() + "\" in " + seconds
                + (pulled.fetched() ? "" : " (already in the store: only its manifest was fetched)") + ". Image size: "
                + pulled.size() + " bytes.");
    }

    private void failed(ContainerRun c, Throwable failure) {
        c.pullError = failure instanceof PodException ? failure.getMessage() : String.valueOf(failure);
        holdBack(c, PodDecisions.Pull.FAILED);
        c.state = ContainerState.waiting("ErrImagePull", c.pullError);
        pod.events.add("Warning", "Failed", c.name(), "Failed to pull image \"" + c.spec.image() + "\": " + c.pullError);
        pod.events.add("Warning", "Failed", c.name(), "Error: ErrImagePull");
    }

    void showBackOff(ContainerRun c) {
        c.pull = PodDecisions.Pull.BACKING_OFF;
        c.state = ContainerState.waiting("ImagePullBackOff", "Back-off pulling image \"" + c.spec.image() + "\": ErrImagePull: "
                + c.pullError);
        pod.events.add("Normal", "BackOff", c.name(), "Back-off pulling image \"" + c.spec.image() + "\"");
        pod.events.add("Warning", "Failed", c.name(), "Error: ImagePullBackOff");
    }

    void neverPulled(ContainerRun c) {
        holdBack(c, PodDecisions.Pull.BACKING_OFF);
        String message = "Container image \"" + c.spec.image() + "\" is not present with pull policy of Never";
        c.state = ContainerState.waiting("ErrImageNeverPull", message);
        pod.events.add("Warning", "ErrImageNeverPull", c.name(), message);
        pod.events.add("Warning", "Failed", c.name(), "Error: ErrImageNeverPull");
    }

    /** The next pull (or look at the store) after the back-off for this many failures in a row. */
    private void holdBack(ContainerRun c, PodDecisions.Pull pull) {
        c.pull = pull;
        c.pullFailedAt = Instant.now();
        c.pullRetryAt = c.pullFailedAt.plus(pod.engine.backoff().delay(c.pullFailures));
        c.pullFailures++;
    }
}
