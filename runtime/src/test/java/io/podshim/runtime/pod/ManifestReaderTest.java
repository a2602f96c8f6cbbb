package io.podshim.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.PodException;
import io.podshim.runtime.container.Volume;
import io.podshim.runtime.container.VolumeMount;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ManifestReaderTest {
    static final String WEB = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels: {app: web}
            spec:
              restartPolicy: OnFailure
              terminationGracePeriodSeconds: 5
              volumes:
              - name: shared
                emptyDir: {}
              - name: cache
                emptyDir: {medium: Memory, sizeLimit: 16Mi}
              initContainers:
              - name: migrate
                image: busybox
                command: [sh, -c, "echo one >> /shared/log"]
                volumeMounts: [{name: shared, mountPath: /shared}]
                resources: {requests: {cpu: 500m, memory: 64Mi}}
              - name: proxy
                image: busybox
                restartPolicy: Always
                args: [tail, -f, /shared/log]
              containers:
              - name: app
                image: busybox:1.35
                env: [{name: MODE, value: prod}]
                workingDir: /srv
                resources:
                  requests: {cpu: "0.25", memory: 32Mi}
                  limits: {cpu: 1, memory: 128Mi}
                securityContext:
                  runAsUser: 1000
                  capabilities: {add: [NET_ADMIN], drop: [MKNOD]}
                volumeMounts: [{name: cache, mountPath: /cache, readOnly: true, subPath: app}]
                ports: [{containerPort: 8080, name: http}]
            """;

    private static PodException error(String yaml) {
        return assertThrows(PodException.class, () -> ManifestReader.read(yaml));
    }

    @Test
    void aPodWithInitContainersASidecarVolumesAndResourcesIsRead() {
        PodManifest pod = ManifestReader.read(WEB);
        assertEquals("web", pod.name());
        assertEquals("default", pod.namespace());
        assertEquals(Map.of("app", "web"), pod.labels());
        assertEquals(RestartPolicy.ON_FAILURE, pod.spec().restartPolicy());
        assertEquals(5, pod.spec().terminationGracePeriodSeconds());
        assertEquals(List.of(new Volume("shared", new Volume.EmptyDir("", null)),
                new Volume("cache", new Volume.EmptyDir("Memory", 16L << 20))), pod.spec().volumes());
        PodManifest.Container migrate = pod.spec().initContainers().get(0);
        assertEquals(List.of("sh", "-c", "echo one >> /shared/log"), migrate.command());
        assertNull(migrate.args(), "unset, not empty");
        assertEquals(new PodManifest.Resources(500L, null, 64L << 20, null), migrate.resources());
        assertTrue(pod.spec().initContainers().get(1).sidecar());
        PodManifest.Container app = pod.spec().containers().get(0);
        assertEquals(new PodManifest.Resources(250L, 1000L, 32L << 20, 128L << 20), app.resources());
        assertEquals(Map.of("MODE", "prod"), app.env());
        assertEquals(1000L, app.security().runAsUser());
        assertEquals(List.of("NET_ADMIN"), app.security().capabilitiesAdd());
        assertEquals(List.of(new VolumeMount("cache", "/cache", true, "app")), app.volumeMounts());
        assertEquals(List.of("migrate", "proxy", "app"), pod.allContainers().stream().map(PodManifest.Container::name).toList());
    }

    @Test
    void defaultsAreKubernetesOnesExceptThatThePidNamespaceIsShared() {
        PodManifest pod = ManifestReader.read("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "tiny"},
                 "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
                """);
        assertEquals(RestartPolicy.ALWAYS, pod.spec().restartPolicy());
        assertEquals(30, pod.spec().terminationGracePeriodSeconds());
        assertTrue(pod.spec().shareProcessNamespace());
        assertFalse(pod.uid().isEmpty(), "a uid is generated");
        assertFalse(ManifestReader.read(WEB.replace("restartPolicy: OnFailure", "restartPolicy: OnFailure\n  shareProcessNamespace: false"))
                .spec().shareProcessNamespace());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "image: busybox:1.35|image: ''|spec.containers[0].image: required",
            "name: proxy|name: migrate|spec.initContainers[1].name: \"migrate\" is used by another container",
            "name: app|name: App|spec.containers[0].name: \"App\" is not a valid name",
            "workingDir: /srv|workingDirectory: /srv|spec.containers[0].workingDirectory: unknown field",
            "workingDir: /srv|livenessProbe: {}|spec.containers[0].livenessProbe: is not supported by podshim yet",
            "limits: {cpu: 1, memory: 128Mi}|limits: {cpu: 1, memory: 128MB}|spec.containers[0].resources.limits.memory: \"128MB\" is not a quantity",
            "limits: {cpu: 1, memory: 128Mi}|limits: {cpu: 100m, memory: 128Mi}|spec.containers[0].resources.requests.cpu: must not exceed the limit (100m)",
            "restartPolicy: OnFailure|restartPolicy: Sometimes|spec.restartPolicy: \"Sometimes\" is not a restart policy",
            "workingDir: /srv|restartPolicy: Always|spec.containers[0].restartPolicy: only init containers take a restartPolicy",
            "mountPath: /cache|mountPath: cache|spec.containers[0].volumeMounts[0].mountPath: \"cache\" must be an absolute path",
            "{name: cache, mountPath: /cache|{name: nope, mountPath: /cache|spec.containers[0].volumeMounts[0].name: no volume named \"nope\"",
            "containerPort: 8080|hostPort: 8080|spec.containers[0].ports[0].hostPort: is not supported by podshim yet",
            "emptyDir: {}|configMap: {name: x}|spec.volumes[0].configMap: is not supported by podshim yet",
            "kind: Pod|kind: Deployment|kind: \"Deployment\" is not supported: podshim runs a Pod",
            "name: web|name: Web_1|metadata.name: \"Web_1\" is not a valid pod name",
            "terminationGracePeriodSeconds: 5|terminationGracePeriodSeconds: -1|spec.terminationGracePeriodSeconds: must not be negative",
    })
    void aBadManifestIsRefusedNamingTheField(String original, String replacement, String expected) {
        assertTrue(WEB.contains(original), original);
        String message = error(WEB.replaceFirst(java.util.regex.Pattern.quote(original), java.util.regex.Matcher.quoteReplacement(replacement))).getMessage();
        assertTrue(message.startsWith(expected), message);
    }

    @Test
    void somethingThatIsNotOnePodIsRefusedPlainly() {
        assertTrue(error("kind: [unclosed").getMessage().startsWith("the manifest is not valid YAML or JSON"));
        assertEquals("the manifest holds 2 documents: give exactly one Pod", error(WEB + "---\n" + WEB).getMessage());
        assertEquals("spec.containers: required: a pod runs at least one container",
                error("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: []}\n").getMessage());
    }
}
