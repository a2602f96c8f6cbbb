package io.podshim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.podshim.testcontainers.PodshimContainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pod notes' multi-container patterns, each a pod run by podshim inside Docker and looked at
 * the way a user would: {@code podshim logs}, {@code get pods}, {@code ns}, the API's status.
 */
class PodPatternsIT extends PodshimStories {
    private static boolean running(JsonNode pod) {
        return PodshimContainer.status(pod).equals("Running");
    }

    @Test
    void sidecarALogShipperReadsTheAppsLogsFromASharedVolume() {
        podshim.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: sidecar}
                spec:
                  volumes: [{name: logs, emptyDir: {}}]
                  initContainers:
                  - name: shipper
                    image: busybox:local
                    restartPolicy: Always
                    command: [sh, -c, "touch /logs/app.log; exec tail -F /logs/app.log"]
                    volumeMounts: [{name: logs, mountPath: /logs}]
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sh, -c, "for i in 1 2 3; do echo request $i served >> /logs/app.log; done; exec sleep 1000"]
                    volumeMounts: [{name: logs, mountPath: /logs}]
                """);
        podshim.awaitPod("sidecar", PodPatternsIT::running);
        await(() -> logLines("sidecar", "shipper").contains("request 3 served"), "the shipper ships the app's lines");
        assertEquals(List.of("request 1 served", "request 2 served", "request 3 served"), logLines("sidecar", "shipper"));
        assertEquals(List.of(), logLines("sidecar", "app"), "the app itself wrote to the volume, not to its stdout");
        cli("delete", "pod", "sidecar", "--grace-period", "1");
    }

    @Test
    void adapterReformatsTheAppsOutputForAConsumer() {
        podshim.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: adapter}
                spec:
                  volumes: [{name: status, emptyDir: {}}, {name: www, emptyDir: {}}]
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sh, -c, "echo 'requests=42 errors=3' > /status/raw; exec sleep 1000"]
                    volumeMounts: [{name: status, mountPath: /status}]
                  - name: adapter
                    image: busybox:local
                    command: [sh, -c, "until [ -s /status/raw ]; do sleep 0.2; done;
                      sed -e 's/requests=\\\\([0-9]*\\\\) errors=\\\\([0-9]*\\\\)/app_requests_total \\\\1\\\\napp_errors_total \\\\2/' /status/raw > /www/metrics;
                      exec httpd -f -p 9100 -h /www"]
                    volumeMounts: [{name: status, mountPath: /status}, {name: www, mountPath: /www}]
                    readinessProbe: {httpGet: {path: /metrics, port: 9100}, periodSeconds: 1}
                  - name: consumer
                    image: busybox:local
                    command: [sh, -c, "until wget -qO- http://127.0.0.1:9100/metrics; do sleep 0.2; done; exec sleep 1000"]
                """);
        podshim.awaitPod("adapter", p -> p.path("status").path("containerStatuses").get(1).path("ready").asBoolean());
        await(() -> logLines("adapter", "consumer").contains("app_errors_total 3"), "the consumer reads the adapter's format");
        assertEquals(List.of("app_requests_total 42", "app_errors_total 3"), logLines("adapter", "consumer"));
        cli("delete", "pod", "adapter", "--grace-period", "1");
    }

    @Test
    void ambassadorTheAppTalksToLocalhostAndTheAmbassadorForwards() {
        podshim.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: ambassador}
                spec:
                  volumes: [{name: www, emptyDir: {}}]
                  containers:
                  - name: backend
                    image: busybox:local
                    command: [sh, -c, "echo 'hello from the backend' > /www/index.html; exec httpd -f -p 9000 -h /www"]
                    volumeMounts: [{name: www, mountPath: /www}]
                    readinessProbe: {tcpSocket: {port: 9000}, periodSeconds: 1}
                  - name: ambassador
                    image: busybox:local
                    command: [nc, -ll, -p, "8000", -e, nc, 127.0.0.1, "9000"]
                    readinessProbe: {tcpSocket: {port: 8000}, periodSeconds: 1}
                  - name: app
                    image: busybox:local
                    command: [sh, -c, "until wget -qO- http://localhost:8000/; do sleep 0.2; done; exec sleep 1000"]
                """);
        podshim.awaitPod("ambassador", p -> p.path("status").path("containerStatuses").get(0).path("ready").asBoolean()
                && p.path("status").path("containerStatuses").get(1).path("ready").asBoolean());
        await(() -> logLines("ambassador", "app").contains("hello from the backend"), "the app's request went through");
        assertTrue(cli("get", "pods").lines().anyMatch(l -> l.startsWith("ambassador") && l.contains("Running")));
        cli("delete", "pod", "ambassador", "--grace-period", "1");
    }

    @Test
    void initAnInitContainerPreparesTheConfigBeforeTheAppStarts() {
        podshim.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: init}
                spec:
                  restartPolicy: Never
                  volumes: [{name: config, emptyDir: {}}]
                  initContainers:
                  - name: render
                    image: busybox:local
                    command: [sh, -c, "echo 'listen=8080' > /config/app.conf"]
                    volumeMounts: [{name: config, mountPath: /config}]
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sh, -c, "test -f /config/app.conf && cat /config/app.conf"]
                    volumeMounts: [{name: config, mountPath: /config, readOnly: true}]
                """);
        JsonNode done = podshim.awaitPod("init", p -> p.path("status").path("phase").asText().equals("Succeeded"));
        assertEquals("Completed", done.path("status").path("initContainerStatuses").get(0).path("state").path("terminated").path("reason").asText());
        assertEquals(List.of("listen=8080"), logLines("init", "app"));
        assertTrue(cli("describe", "pod", "init").matches("(?s).*\n  Initialized +True\n.*"));
        cli("delete", "pod", "init");
    }

    @Test
    void configurationAConfigMapIsTheAppsFileAndItsChangeReachesTheRunningApp() {
        assertEquals("created", podshim.applyObject("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app-config}
                data: {mode: blue}
                """).path("action").asText());
        podshim.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: configured}
                spec:
                  terminationGracePeriodSeconds: 1
                  volumes: [{name: config, configMap: {name: app-config}}]
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sleep, "3600"]
                    env: [{name: MODE, valueFrom: {configMapKeyRef: {name: app-config, key: mode}}}]
                    volumeMounts: [{name: config, mountPath: /etc/app}]
                """);
        podshim.awaitPod("configured", PodPatternsIT::running);
        assertEquals("blue blue", cli("exec", "configured", "--", "sh", "-c", "echo $MODE $(cat /etc/app/mode)").strip());
        assertEquals("configured", podshim.applyObject("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app-config}
                data: {mode: green}
                """).path("action").asText());
        // The env stays what the container started with, as in Kubernetes; the volume follows the ConfigMap.
        assertEquals("blue green", cli("exec", "configured", "--", "sh", "-c", "echo $MODE $(cat /etc/app/mode)").strip());
        cli("delete", "pod", "configured", "--grace-period", "1");
        cli("delete", "configmap", "app-config");
    }
}
