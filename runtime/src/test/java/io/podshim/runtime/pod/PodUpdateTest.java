package io.podshim.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.PodException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What an apply may change in a running pod, as the API server's update validation allows it. */
class PodUpdateTest {
    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: {app: web}}
            spec:
              activeDeadlineSeconds: 600
              tolerations: [{key: a, operator: Exists}]
              initContainers: [{name: prep, image: busybox:1, command: [echo, hi]}]
              containers:
              - {name: app, image: busybox:1, command: [sleep, "3600"]}
              - {name: side, image: busybox:1, command: [sleep, "3600"]}
            """;

    private static PodUpdate update(String from, String to) {
        return PodUpdate.of(ManifestReader.read(POD), ManifestReader.read(POD.replace(from, to)));
    }

    @Test
    void theSameManifestAgainChangesNothing() {
        PodUpdate same = update("", "");
        assertFalse(same.changed());
        assertEquals(List.of(), same.changedImages());
    }

    @Test
    void anImageChangeNamesThatContainerAloneAndKeepsTheRest() {
        PodManifest old = ManifestReader.read(POD);
        PodUpdate u = PodUpdate.of(old, ManifestReader.read(POD.replace("- {name: side, image: busybox:1", "- {name: side, image: busybox:2")));
        assertTrue(u.changed() && u.specChanged());
        assertEquals(List.of("side"), u.changedImages());
        assertEquals("busybox:2", u.manifest().spec().containers().get(1).image());
        assertEquals("busybox:1", u.manifest().spec().containers().get(0).image());
        assertEquals(old.uid(), u.manifest().uid(), "the pod keeps its uid");
        assertEquals("IfNotPresent", u.manifest().spec().containers().get(1).imagePullPolicy());
    }

    @Test
    void aNewLatestImageKeepsThePullPolicyDefaultedAtCreation() {
        // The API server defaults imagePullPolicy once; an update that leaves it out keeps it.
        PodUpdate u = update("- {name: app, image: busybox:1", "- {name: app, image: busybox:latest");
        assertEquals(List.of("app"), u.changedImages());
        assertEquals("IfNotPresent", u.manifest().spec().containers().get(0).imagePullPolicy());
    }

    @Test
    void labelsAnnotationsADeadlineShortenedAndATolerationAddedAreAllowed() {
        PodUpdate u = update("labels: {app: web}}", "labels: {app: shop}, annotations: {why: test}}");
        assertEquals(Map.of("app", "shop"), u.manifest().labels());
        assertEquals(Map.of("why", "test"), u.manifest().annotations());
        assertTrue(u.changed());
        assertFalse(u.specChanged(), "labels and annotations are metadata: no new generation");
        assertEquals(300L, update("activeDeadlineSeconds: 600", "activeDeadlineSeconds: 300").manifest().spec().activeDeadlineSeconds());
        assertTrue(update("operator: Exists}]", "operator: Exists}, {key: b, operator: Exists}]").specChanged());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[sleep, \"3600\"]}|[sleep, \"60\"]}|spec.containers[0].command[1]",
        "activeDeadlineSeconds: 600|activeDeadlineSeconds: 600\\n  restartPolicy: Never|spec.restartPolicy",
        "name: prep, image: busybox:1, command: [echo, hi]|name: prep, image: busybox:1, command: [echo, bye]|spec.initContainers[0].command[1]",
    })
    void anythingElseIsForbiddenWithKubernetesWordsAndTheField(String from, String to, String field) {
        PodException e = assertThrows(PodException.class, () -> update(from, to.replace("\\n", "\n")));
        assertEquals(field, e.field());
        assertTrue(e.getMessage().startsWith("Pod \"web\" is invalid: " + PodUpdate.FORBIDDEN), e.getMessage());
        assertTrue(e.getMessage().endsWith("this update changes " + field), e.getMessage());
    }

    @Test
    void theDeadlineMayNotGrowOrGoNorATolerationBeRemoved() {
        assertEquals("spec.activeDeadlineSeconds", assertThrows(PodException.class,
                () -> update("activeDeadlineSeconds: 600", "activeDeadlineSeconds: 900")).field());
        assertEquals("spec.activeDeadlineSeconds", assertThrows(PodException.class,
                () -> update("activeDeadlineSeconds: 600", "")).field());
        assertEquals("spec.tolerations", assertThrows(PodException.class,
                () -> update("tolerations: [{key: a, operator: Exists}]", "")).field());
    }

    @Test
    void anotherUidIsRefused() {
        PodManifest old = ManifestReader.read(POD.replace("name: web,", "name: web, uid: u-1,"));
        PodManifest other = ManifestReader.read(POD.replace("name: web,", "name: web, uid: u-2,"));
        assertEquals("metadata.uid", assertThrows(PodException.class, () -> PodUpdate.of(old, other)).field());
    }
}
