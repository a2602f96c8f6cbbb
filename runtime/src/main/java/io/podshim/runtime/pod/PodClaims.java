package io.podshim.runtime.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.PodException;
import io.podshim.runtime.config.ApiObjects;
import io.podshim.runtime.config.ClaimVolumes;
import io.podshim.runtime.container.Volume;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What ties pods to claims: the claim volumes a pod mounts (made on first use, as podman makes a
 * named volume), the claims of its generic ephemeral volumes (made from their template, owned by
 * the pod, removed with it, as the garbage collector removes what a pod owns), and which pods use
 * a claim (so that it is not removed under them). Supervisor thread only, but for
 * {@link #checkOwnership}.
 */
final class PodClaims {
    private final PodEngine engine;
    private final ApiObjects objects;
    private final ClaimVolumes claims;

    PodClaims(PodEngine engine, ApiObjects objects, ClaimVolumes claims) {
        this.engine = engine;
        this.objects = objects;
        this.claims = claims;
    }

    /** As Kubernetes: an ephemeral volume's claim of that name that another owns refuses the pod. */
    void checkOwnership(PodManifest manifest) {
        for (Volume v : manifest.spec().volumes()) {
            if (v.source() instanceof Volume.Claim c && c.ephemeral()) {
                Optional<ObjectNode> there = objects.get(key(manifest, c));
                if (there.isPresent() && !ownedBy(there.get(), manifest.uid())) {
                    throw PodException.conflict("spec.volumes", "PVC " + manifest.namespace() + "/" + c.claimName() + " was not created"
                            + " for pod " + manifest.namespace() + "/" + manifest.name() + " (pod is not owner): delete that claim, or"
                            + " rename the volume");
                }
            }
        }
    }

    /** The directory of each claim volume of {@code manifest}, by volume name; an ephemeral one's claim is made first. */
    Map<String, Path> paths(PodManifest manifest) {
        Map<String, Path> paths = new LinkedHashMap<>();
        List<Volume> volumes = manifest.spec().volumes();
        for (int i = 0; i < volumes.size(); i++) {
            if (volumes.get(i).source() instanceof Volume.Claim c) {
                if (c.ephemeral() && objects.get(key(manifest, c)).isEmpty()) {
                    objects.apply(ephemeralClaim(manifest, i, c));
                }
                paths.put(volumes.get(i).name(), claims.ensure(manifest.namespace(), c.claimName()));
            }
        }
        return paths;
    }

    /** A deleted pod's ephemeral claims go with it. */
    void removeEphemeral(PodManifest manifest) {
        for (Volume v : manifest.spec().volumes()) {
            if (v.source() instanceof Volume.Claim c && c.ephemeral()) {
                ApiObjects.Key key = key(manifest, c);
                try {
                    if (objects.get(key).filter(o -> ownedBy(o, manifest.uid())).isPresent()) {
                        objects.delete(key);
                        claims.remove(manifest.namespace(), c.claimName());
                    }
                } catch (RuntimeException e) {
                    System.err.println("podshim: remove the ephemeral claim " + key + " of pod " + manifest.name() + ": " + e.getMessage());
                }
            }
        }
    }

    /** Refused (CONFLICT) while a pod that is not done uses claim {@code namespace}/{@code name}. */
    void refuseIfClaimed(String namespace, String name, String what) {
        List<String> users = claimants(namespace, name);
        if (!users.isEmpty()) {
            throw PodException.conflict(null, what + " " + name + " is in use by pod " + String.join(", ", users)
                    + ": delete the pod first");
        }
    }

    /** The pods, not done yet, with a volume of claim {@code namespace}/{@code name}. */
    List<String> claimants(String namespace, String name) {
        return engine.podRuns().stream().filter(p -> p.lifecycle != PodLifecycle.DONE && p.manifest.namespace().equals(namespace)
                && p.manifest.spec().volumes().stream().anyMatch(v -> v.source() instanceof Volume.Claim c
                && c.claimName().equals(name))).map(p -> p.manifest.name()).toList();
    }

    /** A generic ephemeral volume's claim, made from its template, owned by the pod. */
    private static ObjectNode ephemeralClaim(PodManifest manifest, int index, Volume.Claim c) {
        ObjectNode claim = ObjectReader.claimOfTemplate(new Field(manifest.source().path("spec").path("volumes").path(index)
                .path("ephemeral").path("volumeClaimTemplate"), "spec.volumes[" + index + "].ephemeral.volumeClaimTemplate"),
                c.claimName(), manifest.namespace());
        ObjectNode owner = ((ObjectNode) claim.get("metadata")).putArray("ownerReferences").addObject();
        owner.put("apiVersion", "v1");
        owner.put("kind", "Pod");
        owner.put("name", manifest.name());
        owner.put("uid", manifest.uid());
        owner.put("controller", true);
        owner.put("blockOwnerDeletion", true);
        return claim;
    }

    private static ApiObjects.Key key(PodManifest manifest, Volume.Claim c) {
        return new ApiObjects.Key("PersistentVolumeClaim", manifest.namespace(), c.claimName());
    }

    private static boolean ownedBy(JsonNode object, String uid) {
        for (JsonNode o : object.path("metadata").path("ownerReferences")) {
            if (o.path("uid").asText().equals(uid)) {
                return true;
            }
        }
        return false;
    }
}
