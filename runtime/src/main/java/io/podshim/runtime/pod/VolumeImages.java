package io.podshim.runtime.pod;

import io.podshim.runtime.PodException;
import io.podshim.runtime.container.Volume;
import io.podshim.runtime.image.StoredImage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The images of a pod's image volumes: found in the store or pulled as each volume's pullPolicy
 * says, before the sandbox, as kubelet has every volume before it. A failed pull is tried again
 * after the pod's back-off. Supervisor thread only.
 */
final class VolumeImages {
    private final PodRun pod;
    /** The image each volume got, by volume name: what it keeps for the pod's life. */
    private final Map<String, StoredImage> got = new HashMap<>();
    private final Set<String> pulling = new HashSet<>();
    private int failures;

    VolumeImages(PodRun pod) {
        this.pod = pod;
    }

    /** A pull is under way: its end is the event the sandbox waits for. */
    boolean busy() {
        return !pulling.isEmpty();
    }

    /**
     * Each image volume's root by volume name, or null while a pull runs (asked for here); a
     * failed pull, or an image that may not be pulled (Never) and is not there, throws
     * {@link MissingConfig} with what kubelet would say.
     */
    Map<String, Path> roots() {
        Map<String, Path> roots = new LinkedHashMap<>();
        boolean waiting = false;
        for (Volume v : pod.manifest.spec().volumes()) {
            if (!(v.source() instanceof Volume.Image image)) {
                continue;
            }
            StoredImage have = got.get(v.name());
            if (have == null) {
                PullPolicy policy = PullPolicy.of(image.pullPolicy());
                Optional<StoredImage> found = pod.engine.findImage(image.reference());
                if (found.isPresent() && policy != PullPolicy.ALWAYS) {
                    have = found.get();
                    got.put(v.name(), have);
                } else if (policy == PullPolicy.NEVER) {
                    throw new MissingConfig("MountVolume.SetUp failed for volume \"" + v.name() + "\" : ErrImageNeverPull: image \""
                            + image.reference() + "\" is not present with pull policy of Never");
                } else {
                    pull(v.name(), image.reference());
                    waiting = true;
                    continue;
                }
            }
            roots.put(v.name(), have.rootfs());
        }
        return waiting ? null : roots;
    }

    /** The roots of what was got already (a pod taken over), found again in the store by reference. */
    Map<String, Path> found() {
        Map<String, Path> roots = new LinkedHashMap<>();
        for (Volume v : pod.manifest.spec().volumes()) {
            if (v.source() instanceof Volume.Image image) {
                pod.engine.findImage(image.reference()).ifPresent(i -> {
                    got.put(v.name(), i);
                    roots.put(v.name(), i.rootfs());
                });
            }
        }
        return roots;
    }

    boolean uses(String imageId) {
        return got.values().stream().anyMatch(i -> i.id().equals(imageId));
    }

    private void pull(String volume, String reference) {
        if (!pulling.add(volume)) {
            return;
        }
        pod.events.add("Normal", "Pulling", "pod", "Pulling image \"" + reference + "\" for volume " + volume);
        PodConfig.PullSecrets secrets = pod.config.pullSecrets();
        pod.engine.pulls().pull(reference, secrets.offered(), secrets.offeredBy()).whenComplete((pulled, failed) -> pod.engine.supervisor().call(() -> {
            pulling.remove(volume);
            if (failed == null) {
                got.put(volume, pulled.image());
                pod.events.add("Normal", "Pulled", "pod", "Successfully pulled image \"" + reference + "\" for volume " + volume);
            } else {
                Throwable cause = failed instanceof java.util.concurrent.CompletionException ? failed.getCause() : failed;
                String why = cause instanceof PodException ? cause.getMessage() : String.valueOf(cause);
                pod.mountError = "MountVolume.SetUp failed for volume \"" + volume + "\" : Failed to pull image \"" + reference
                        + "\": " + why;
                pod.events.add("Warning", "FailedMount", "pod", pod.mountError);
                // Tried again after the back-off, as a failed sync of the pod is.
                pod.engine.supervisor().after(pod.engine.backoff().delay(failures++), () -> {
                    pod.mountError = null;
                    pod.sync();
                });
            }
            pod.sync();
            return null;
        }));
    }
}
