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
                image: busybox:local
                command: [sh, -c, "echo one >> /shared/log"]
                volumeMounts: [{name: shared, mountPath: /shared}]
                resources: {requests: {cpu: 500m, memory: 64Mi}}
              - name: proxy
                image: busybox:local
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
        assertEquals(List.of(EnvVar.literal("MODE", "prod")), app.env());
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

    @Test
    void stdinStdinOnceAndTtyAreReadForAttach() {
        PodManifest.Container plain = ManifestReader.read(WEB).spec().containers().get(0);
        assertFalse(plain.stdin() || plain.stdinOnce() || plain.tty(), "none by default, as Kubernetes defaults them");
        PodManifest.Container held = ManifestReader.read(WEB.replace("workingDir: /srv", "workingDir: /srv\n    stdin: true\n"
                + "    stdinOnce: true\n    tty: true")).spec().containers().get(0);
        assertTrue(held.stdin() && held.stdinOnce() && held.tty());
    }

    @Test
    void hostnameAndSubdomainNameThePodAsKubeletNamesIt() {
        io.podshim.runtime.container.PodHostname plain = ManifestReader.read(WEB).spec().hostname();
        assertEquals("web", plain.kernelHostname());
        assertEquals("10.0.0.7\tweb\n", plain.hostsLine("10.0.0.7"));
        io.podshim.runtime.container.PodHostname named = ManifestReader.read(WEB.replace("restartPolicy: OnFailure",
                "restartPolicy: OnFailure\n  hostname: db-0\n  subdomain: db")).spec().hostname();
        assertEquals("db-0", named.kernelHostname(), "spec.hostname, not the pod name; the FQDN only on request");
        assertEquals("10.0.0.7\tdb-0.db.default.svc.cluster.local\tdb-0\n", named.hostsLine("10.0.0.7"), "the FQDN first");
        assertEquals("db-0.db.default.svc.cluster.local", ManifestReader.read(WEB.replace("restartPolicy: OnFailure",
                "restartPolicy: OnFailure\n  hostname: db-0\n  subdomain: db\n  setHostnameAsFQDN: true")).spec().hostname()
                .kernelHostname());
        String longName = "a".repeat(62) + "-b";
        assertEquals("a".repeat(62), ManifestReader.read(WEB.replace("name: web\n", "name: " + longName + "\n")).spec().hostname()
                .hostname(), "cut to 63 characters without the trailing '-', as kubelet cuts it");
    }

    @Test
    void hostPortsAreReadForThePortmapPluginAndMustMatchWithHostNetwork() {
        PodManifest pod = ManifestReader.read(WEB.replace("ports: [{containerPort: 8080, name: http}]",
                "ports: [{containerPort: 8080, name: http, hostPort: 18080}, {containerPort: 53, protocol: UDP, hostPort: 5353,"
                        + " hostIP: 127.0.0.1}]"));
        assertEquals(List.of(new io.podshim.runtime.network.PortMapping(18080, 8080, "tcp", ""),
                new io.podshim.runtime.network.PortMapping(5353, 53, "udp", "127.0.0.1")), pod.spec().containers().get(0).hostPorts());
        PodException e = error(WEB.replace("ports: [{containerPort: 8080, name: http}]",
                "ports: [{containerPort: 8080, hostPort: 18080}]").replace("  containers:", "  hostNetwork: true\n  containers:"));
        assertEquals("spec.containers[0].ports: hostPort 18080 must be the containerPort (8080) with hostNetwork", e.getMessage());
    }

    @ParameterizedTest(name = "{0} pulls {1} by default")
    @CsvSource(delimiter = '|', value = {"busybox|Always", "busybox:latest|Always", "127.0.0.1:5000/lab/app|Always",
            "busybox:1.36|IfNotPresent", "localhost:5000/app:1|IfNotPresent",
            "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|IfNotPresent"})
    void thePullPolicyIsDefaultedAsTheApiServerDefaultsIt(String image, String policy) {
        PodManifest pod = ManifestReader.read("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "tiny"},
                 "spec": {"containers": [{"name": "c", "image": "%s"}]}}
                """.formatted(image));
        assertEquals(policy, pod.spec().containers().get(0).imagePullPolicy());
        assertEquals("Never", ManifestReader.read("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "tiny"},
                 "spec": {"containers": [{"name": "c", "image": "%s", "imagePullPolicy": "Never"}]}}
                """.formatted(image)).spec().containers().get(0).imagePullPolicy(), "a policy given is kept");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "image: busybox:1.35|image: ''|spec.containers[0].image: required",
            "image: busybox:1.35|image: 'Busybox:1'|spec.containers[0].image: InvalidImageName: image reference \"Busybox:1\": \"Busybox\" is not a repository name (lower case letters, digits and . _ - between them)",
            "workingDir: /srv|imagePullPolicy: Sometimes|spec.containers[0].imagePullPolicy: \"Sometimes\" is not a pull policy: use Always, IfNotPresent or Never",
            "name: proxy|name: migrate|spec.initContainers[1].name: \"migrate\" is used by another container",
            "name: app|name: App|spec.containers[0].name: \"App\" is not a valid name",
            "workingDir: /srv|workingDirectory: /srv|spec.containers[0].workingDirectory: unknown field",
            "workingDir: /srv|livenessProbe: {}|spec.containers[0].livenessProbe: needs a handler: one of exec, httpGet, tcpSocket",
            "workingDir: /srv|livenessProbe: {grpc: {port: 9000}}|spec.containers[0].livenessProbe.grpc: is a Kubernetes field podshim does not support yet",
            "workingDir: /srv|livenessProbe: {exec: {command: [ls]}, tcpSocket: {port: 80}}|spec.containers[0].livenessProbe: has [exec, tcpSocket]: give exactly one handler",
            "workingDir: /srv|livenessProbe: {exec: {command: [ls]}, successThreshold: 2}|spec.containers[0].livenessProbe.successThreshold: must be 1 for a livenessProbe",
            "workingDir: /srv|readinessProbe: {exec: {command: [ls]}, terminationGracePeriodSeconds: 3}|spec.containers[0].readinessProbe.terminationGracePeriodSeconds: must not be set for a readinessProbe",
            "workingDir: /srv|readinessProbe: {httpGet: {port: web}}|spec.containers[0].readinessProbe.httpGet.port: no port named \"web\" in the container's ports (named: [http])",
            "workingDir: /srv|readinessProbe: {httpGet: {port: 70000}}|spec.containers[0].readinessProbe.httpGet.port: 70000 is not a port",
            "workingDir: /srv|readinessProbe: {httpGet: {port: 80, scheme: HTTPS}}|spec.containers[0].readinessProbe.httpGet.scheme: \"HTTPS\" is not supported by podshim",
            "workingDir: /srv|readinessProbe: {tcpSocket: {port: 80, host: db.local}}|spec.containers[0].readinessProbe.tcpSocket.host: \"db.local\" is not an IPv4 address",
            "workingDir: /srv|readinessProbe: {exec: {command: [ls]}, periodSeconds: -1}|spec.containers[0].readinessProbe.periodSeconds: must be at least 1",
            "workingDir: /srv|lifecycle: {preStop: {tcpSocket: {port: 80}}}|spec.containers[0].lifecycle.preStop.tcpSocket: is a Kubernetes field podshim does not support yet",
            "workingDir: /srv|lifecycle: {postStart: {exec: {command: []}}}|spec.containers[0].lifecycle.postStart.exec.command: required",
            "args: [tail, -f, /shared/log]|livenessProbe: {}|spec.initContainers[1].livenessProbe: needs a handler",
            "resources: {requests: {cpu: 500m, memory: 64Mi}}|startupProbe: {exec: {command: [ls]}}|spec.initContainers[0].startupProbe: may not be set for init containers without restartPolicy: Always",
            "limits: {cpu: 1, memory: 128Mi}|limits: {cpu: 1, memory: 128MB}|spec.containers[0].resources.limits.memory: \"128MB\" is not a quantity",
            "limits: {cpu: 1, memory: 128Mi}|limits: {cpu: 100m, memory: 128Mi}|spec.containers[0].resources.requests.cpu: must not exceed the limit (100m)",
            "restartPolicy: OnFailure|restartPolicy: Sometimes|spec.restartPolicy: \"Sometimes\" is not a restart policy",
            "workingDir: /srv|restartPolicy: Sometimes|spec.containers[0].restartPolicy: \"Sometimes\" is not a restart policy",
            "args: [tail, -f, /shared/log]|restartPolicy: Never|spec.initContainers[1].restartPolicy: an init container's restartPolicy can only be Always",
            "workingDir: /srv|restartPolicyRules: [{action: Restart, exitCodes: {operator: In, values: [42]}}]|spec.containers[0].restartPolicyRules: needs the container's own restartPolicy",
            "command: [sh, -c, \"echo one >> /shared/log\"]|restartPolicyRules: []|spec.initContainers[0].restartPolicyRules: is not supported by podshim on init containers yet",
            "mountPath: /cache|mountPath: cache|spec.containers[0].volumeMounts[0].mountPath: \"cache\" must be an absolute path",
            "{name: cache, mountPath: /cache|{name: nope, mountPath: /cache|spec.containers[0].volumeMounts[0].name: no volume named \"nope\"",
            "restartPolicy: OnFailure|dnsPolicy: Sometimes|spec.dnsPolicy: \"Sometimes\" is not a DNS policy: use ClusterFirst, ClusterFirstWithHostNet, Default or None",
            "restartPolicy: OnFailure|dnsPolicy: None|spec.dnsPolicy: None needs a dnsConfig with at least one nameserver",
            "restartPolicy: OnFailure|dnsPolicy: None\\n  dnsConfig: {searches: [a.example]}|spec.dnsConfig.nameservers: required: dnsPolicy None needs at least one nameserver",
            "restartPolicy: OnFailure|dnsConfig: {nameservers: [1.1.1.1, 1.0.0.1, 8.8.8.8, 8.8.4.4]}|spec.dnsConfig.nameservers: at most 3 nameservers",
            "restartPolicy: OnFailure|hostAliases: [{ip: not-an-ip, hostnames: [x]}]|spec.hostAliases[0].ip: \"not-an-ip\" is not an IP address",
            "restartPolicy: OnFailure|hostAliases: [{ip: 10.1.2.3}]|spec.hostAliases[0].hostnames: required: at least one name for 10.1.2.3",
            "restartPolicy: OnFailure|hostname: Web_1|spec.hostname: \"Web_1\" is not a valid name",
            "restartPolicy: OnFailure|subdomain: a.b|spec.subdomain: \"a.b\" is not a valid name",
            "restartPolicy: OnFailure|hostname: a23456789012345678901234567890\\n  subdomain: b23456789012345678901234567890\\n  setHostnameAsFQDN: true|spec.setHostnameAsFQDN: the FQDN a23456789012345678901234567890.b23456789012345678901234567890.default.svc.cluster.local is 87 characters long",
            "containerPort: 8080|containerPort: 8080, hostPort: 0|spec.containers[0].ports[0].hostPort: must be a port number, 1-65535",
            "containerPort: 8080|containerPort: 8080, hostIP: 127.0.0.1|spec.containers[0].ports[0].hostIP: needs a hostPort to listen on",
            "containerPort: 8080|containerPort: 8080, protocol: SCTP|spec.containers[0].ports[0].protocol: \"SCTP\": podshim publishes TCP and UDP ports",
            "emptyDir: {}|nfs: {server: x, path: /}|spec.volumes[0].nfs: is a Kubernetes field podshim does not support yet",
            "emptyDir: {}|configMap: {name: x, defaultMode: 01000}|spec.volumes[0].configMap.defaultMode: 512 is not a file mode: give a number from 0 to 0777 (octal)",
            "emptyDir: {}|emptyDir: {}\\n    secret: {secretName: s}|spec.volumes[0]: may not have more than one volume type (it has emptyDir, secret)",
            "kind: Pod|kind: Deployment|kind: \"Deployment\" is not supported: podshim runs a Pod",
            "name: web|name: Web_1|metadata.name: \"Web_1\" is not a valid pod name",
            "terminationGracePeriodSeconds: 5|terminationGracePeriodSeconds: -1|spec.terminationGracePeriodSeconds: must not be negative",
    })
    void aBadManifestIsRefusedNamingTheField(String original, String replacement, String expected) {
        assertTrue(WEB.contains(original), original);
        // A backslash-n in a replacement stands for a new line, which a CSV row cannot hold.
        String message = error(WEB.replaceFirst(java.util.regex.Pattern.quote(original),
                java.util.regex.Matcher.quoteReplacement(replacement.replace("\\n", "\n")))).getMessage();
        assertTrue(message.startsWith(expected), message);
    }

    @Test
    void probesAndHooksAreReadWithKubernetesDefaultsAndNamedPortsResolved() {
        PodManifest pod = ManifestReader.read(WEB.replace("workingDir: /srv", """
                workingDir: /srv
                    startupProbe: {tcpSocket: {port: http}, failureThreshold: 30, periodSeconds: 0}
                    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, timeoutSeconds: 2, terminationGracePeriodSeconds: 5}
                    readinessProbe:
                      httpGet: {path: ready, port: 8080, host: localhost, httpHeaders: [{name: X-Probe, value: "1"}]}
                      successThreshold: 2
                    lifecycle:
                      postStart: {exec: {command: [touch, /tmp/healthy]}}
                      preStop: {sleep: {seconds: 3}}"""));
        PodManifest.Container app = pod.spec().containers().get(0);
        assertEquals(new io.podshim.runtime.probe.Probe(new io.podshim.runtime.probe.Action.TcpSocket("127.0.0.1", 8080),
                0, 10, 1, 1, 30, null), app.startupProbe(), "a named port is its number; 0 means the default");
        assertEquals(new io.podshim.runtime.probe.Probe(new io.podshim.runtime.probe.Action.Exec(List.of("cat", "/tmp/healthy")),
                0, 10, 2, 1, 3, 5L), app.livenessProbe());
        assertEquals(new io.podshim.runtime.probe.Action.HttpGet("127.0.0.1", 8080, "/ready",
                List.of(new io.podshim.runtime.probe.Action.Header("X-Probe", "1"))), app.readinessProbe().action());
        assertEquals(2, app.readinessProbe().successThreshold());
        assertEquals(new io.podshim.runtime.probe.Lifecycle(new io.podshim.runtime.probe.Action.Exec(List.of("touch", "/tmp/healthy")),
                new io.podshim.runtime.probe.Action.Sleep(3)), app.lifecycle());
        PodManifest.Container plain = pod.spec().initContainers().get(0);
        assertNull(plain.livenessProbe());
        assertEquals(io.podshim.runtime.probe.Lifecycle.NONE, plain.lifecycle());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{action: Ignore, exitCodes: {operator: In, values: [1]}}|spec.containers[0].restartPolicyRules[0].action: \"Ignore\" is not an action",
            "{action: Restart, exitCodes: {operator: Is, values: [1]}}|spec.containers[0].restartPolicyRules[0].exitCodes.operator: \"Is\" is not an operator",
            "{action: Restart, exitCodes: {operator: In, values: [256]}}|spec.containers[0].restartPolicyRules[0].exitCodes.values[0]: an exit code is a whole number from 0 to 255",
            "{action: Restart}|spec.containers[0].restartPolicyRules[0].exitCodes",
    })
    void aBadRestartRuleIsRefusedNamingTheField(String rule, String expected) {
        String message = error(WEB.replace("workingDir: /srv", "workingDir: /srv\n    restartPolicy: Never\n    restartPolicyRules: ["
                + rule + "]")).getMessage();
        assertTrue(message.startsWith(expected), message);
    }

    @Test
    void anAppContainerTakesARestartPolicyOfItsOwnAndRulesCheckedFirst() {
        PodManifest pod = ManifestReader.read(WEB.replace("workingDir: /srv", """
                workingDir: /srv
                    restartPolicy: Never
                    restartPolicyRules:
                    - {action: Restart, exitCodes: {operator: In, values: [42, 43]}}
                    - {action: Restart, exitCodes: {operator: NotIn, values: [0, 1]}}"""));
        PodManifest.Container app = pod.spec().containers().get(0);
        assertEquals(RestartPolicy.NEVER, app.restartPolicy());
        assertEquals(List.of(new RestartRule(true, java.util.Set.of(42, 43)), new RestartRule(false, java.util.Set.of(0, 1))),
                app.restartPolicyRules());
        assertEquals(RestartPolicy.ON_FAILURE, pod.spec().restartPolicy(), "the pod's own stays");
        PodManifest.Container sidecar = pod.spec().initContainers().get(1);
        assertTrue(sidecar.sidecar());
        assertNull(sidecar.restartPolicy(), "a sidecar's Always makes it a sidecar, not an override");
    }

    @Test
    void somethingThatIsNotOnePodIsRefusedPlainly() {
        assertTrue(error("kind: [unclosed").getMessage().startsWith("the manifest is not valid YAML or JSON"));
        assertEquals("the manifest holds 2 documents: give exactly one Pod", error(WEB + "---\n" + WEB).getMessage());
        assertEquals("spec.containers: required: a pod runs at least one container",
                error("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: []}\n").getMessage());
    }
}
