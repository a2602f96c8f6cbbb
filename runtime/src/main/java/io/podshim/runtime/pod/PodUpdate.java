package io.podshim.runtime.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.PodException;
import io.podshim.runtime.kube.ApiDefaults;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * What an update of a running pod may change, as the API server's pod update validation has it:
 * each container's and init container's image, the active deadline (set, or shortened), additions
 * to the tolerations, and the labels and annotations. Anything else is refused with Kubernetes'
 * wording and the pod is left as it was. Decides only; {@link PodRun#update} carries it out.
 *
 * @param manifest what the pod runs from after the update
 * @param changedImages the containers whose image changed
 * @param specChanged whether the spec changed (a new generation), not only the metadata
 * @param changed whether anything changed at all (else: unchanged, as kubectl apply says)
 */
record PodUpdate(PodManifest manifest, List<String> changedImages, boolean specChanged, boolean changed) {
    static final String FORBIDDEN = "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
            + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing"
            + " tolerations)";

    static PodUpdate of(PodManifest old, PodManifest next) {
        String invalid = "Pod \"" + old.name() + "\" is invalid: ";
        if (!old.namespace().equals(next.namespace())) {
            throw PodException.conflict("metadata.namespace", "a pod named \"" + old.name() + "\" already runs here in namespace "
                    + old.namespace() + ": pod names are this node's; delete it first or choose another name");
        }
        JsonNode givenUid = next.source() == null ? null : next.source().path("metadata").get("uid");
        if (givenUid != null && !givenUid.asText().equals(old.uid())) {
            throw PodException.invalidAt("metadata.uid", invalid + "metadata.uid: Invalid value: \"" + givenUid.asText()
                    + "\": field is immutable");
        }
        ObjectNode before = ApiDefaults.spec(old.source(), old, null);
        ObjectNode after = ApiDefaults.spec(next.source(), next, null);
        List<String> images = new ArrayList<>();
        for (String list : List.of("initContainers", "containers")) {
            JsonNode a = before.path(list);
            JsonNode b = after.path(list);
            JsonNode submitted = next.source() == null ? null : next.source().path("spec").path(list);
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                if (!(b.get(i) instanceof ObjectNode c) || !Objects.equals(a.get(i).get("name"), c.get("name"))) {
                    continue;
                }
                if (submitted != null && !submitted.path(i).has("imagePullPolicy") && a.get(i).has("imagePullPolicy")) {
                    c.set("imagePullPolicy", a.get(i).get("imagePullPolicy")); // defaulted once, at creation, and kept
                }
                if (!Objects.equals(a.get(i).get("image"), c.get("image"))) {
                    images.add(c.path("name").asText());
                    c.set("image", a.get(i).get("image"));
                }
            }
        }
        Long deadlineBefore = old.spec().activeDeadlineSeconds();
        Long deadlineAfter = next.spec().activeDeadlineSeconds();
        if (deadlineBefore != null && (deadlineAfter == null || deadlineAfter > deadlineBefore)) {
            throw PodException.invalidAt("spec.activeDeadlineSeconds", invalid + "spec.activeDeadlineSeconds: Invalid value: "
                    + deadlineAfter + ": must be less than or equal to the previous value (" + deadlineBefore + "), and may not be removed");
        }
        before.remove("activeDeadlineSeconds");
        after.remove("activeDeadlineSeconds");
        before.remove("nodeName"); // the node's, as get -o yaml gives it back
        after.remove("nodeName");
        JsonNode tolerationsBefore = before.remove("tolerations");
        JsonNode tolerationsAfter = after.remove("tolerations");
        if (tolerationsBefore != null && !startsWith(tolerationsAfter, tolerationsBefore)) {
            throw PodException.invalidAt("spec.tolerations", invalid + FORBIDDEN + ": existing tolerations may not be changed or removed");
        }
        if (!before.equals(after)) {
            String where = firstDifference("spec", before, after);
            throw PodException.invalidAt(where, invalid + FORBIDDEN + "; this update changes " + where);
        }
        List<PodManifest.Container> init = replaced(old.spec().initContainers(), next.spec().initContainers(), images);
        List<PodManifest.Container> apps = replaced(old.spec().containers(), next.spec().containers(), images);
        PodManifest updated = new PodManifest(old.name(), old.namespace(), old.uid(), next.labels(), next.annotations(),
                old.spec().with(init, apps, deadlineAfter), next.source());
        boolean spec = !images.isEmpty() || !Objects.equals(deadlineBefore, deadlineAfter)
                || !Objects.equals(tolerationsBefore, tolerationsAfter);
        boolean changed = spec || !old.labels().equals(next.labels()) || !old.annotations().equals(next.annotations());
        return new PodUpdate(updated, images, spec, changed);
    }

    private static List<PodManifest.Container> replaced(List<PodManifest.Container> old, List<PodManifest.Container> next,
                                                        List<String> images) {
        List<PodManifest.Container> out = new ArrayList<>();
        for (int i = 0; i < old.size(); i++) {
            PodManifest.Container c = old.get(i);
            out.add(images.contains(c.name()) ? c.withImage(next.get(i).image()) : c);
        }
        return out;
    }

    private static boolean startsWith(JsonNode list, JsonNode prefix) {
        if (!(list instanceof ArrayNode l) || !(prefix instanceof ArrayNode p) || l.size() < p.size()) {
            return prefix == null || prefix.isEmpty();
        }
        for (int i = 0; i < p.size(); i++) {
            if (!l.get(i).equals(p.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The path of the first place {@code a} and {@code b} differ, e.g. spec.containers[0].command. */
    static String firstDifference(String path, JsonNode a, JsonNode b) {
        if (a == null || b == null || a.getNodeType() != b.getNodeType()) {
            return path;
        }
        if (a.isObject()) {
            java.util.Set<String> keys = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                if (!Objects.equals(a.get(k), b.get(k))) {
                    return firstDifference(path + "." + k, a.get(k), b.get(k));
                }
            }
        } else if (a.isArray()) {
            Iterator<JsonNode> x = a.elements();
            Iterator<JsonNode> y = b.elements();
            for (int i = 0; x.hasNext() || y.hasNext(); i++) {
                JsonNode p = x.hasNext() ? x.next() : null;
                JsonNode q = y.hasNext() ? y.next() : null;
                if (!Objects.equals(p, q)) {
                    return firstDifference(path + "[" + i + "]", p, q);
                }
            }
        }
        return path;
    }
}
