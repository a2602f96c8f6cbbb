package io.podshim.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.PodException;
import io.podshim.runtime.config.ApiObjects;
import io.podshim.runtime.container.Volume;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ConfigMaps, Secrets and claims as apply reads them, and what pods read of them; checked as the API server checks them. */
class ObjectReaderTest {
    private static final String SECRET = """
            apiVersion: v1
            kind: Secret
            metadata: {name: db, namespace: shop}
            type: Opaque
            data:
              user: YWRtaW4=
            stringData:
              password: hunter2-very-secret
            """;

    @Test
    void aSecretsStringDataIsFoldedIntoItsData() {
        ObjectReader.Document d = ObjectReader.read(SECRET);
        assertEquals("Secret", d.kind());
        assertEquals("shop", d.namespace());
        assertEquals("db", d.name());
        assertFalse(d.object().has("stringData"));
        var values = ApiObjects.values(d.object());
        assertEquals("admin", new String(values.get("user"), StandardCharsets.UTF_8));
        assertEquals("hunter2-very-secret", new String(values.get("password"), StandardCharsets.UTF_8));
        assertFalse(d.object().toString().contains("hunter2"), "data is base64, as the API server keeps it");
    }

    @Test
    void aConfigMapKeepsTextAndBinaryApart() {
        ObjectReader.Document d = ObjectReader.read("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: web}
                data: {color: blue, "app.ini": "x=1\\n"}
                binaryData: {logo: AAEC}
                """);
        assertEquals("default", d.namespace());
        var values = ApiObjects.values(d.object());
        assertEquals("blue", new String(values.get("color"), StandardCharsets.UTF_8));
        assertEquals(List.of(0, 1, 2), List.of((int) values.get("logo")[0], (int) values.get("logo")[1], (int) values.get("logo")[2]));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "user: YWRtaW4=|user: not*base64|data.user: is not valid base64",
            "user: YWRtaW4=|'bad key!': YWRtaW4=|data.bad key!: \"bad key!\" is not a valid key",
            "type: Opaque|type: kubernetes.io/tls|data: a Secret of type kubernetes.io/tls needs the key tls.crt",
            "name: db, namespace: shop|name: DB|metadata.name: \"DB\" is not a valid name",
            "kind: Secret|kind: Deployment|kind: \"Deployment\" is not a kind podshim serves",
            "type: Opaque|tpye: Opaque|tpye: unknown field (did you mean type?)",
    })
    void aBadObjectIsRefusedNamingTheFieldNeverTheValue(String original, String replacement, String expected) {
        String yaml = SECRET.replace(original, replacement);
        assertTrue(!yaml.equals(SECRET), original);
        PodException e = assertThrows(PodException.class, () -> ObjectReader.read(yaml));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2") || e.getMessage().contains("not*base64"), e.getMessage());
    }

    @Test
    void anImmutableConfigMapKeepsItsDataButNotItsLabels(@TempDir Path dir) {
        ApiObjects store = new ApiObjects(dir);
        String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {v: '1'}}\nimmutable: true\ndata: {k: one}\n";
        assertEquals("created", store.apply(ObjectReader.read(cm).object()));
        assertEquals("unchanged", store.apply(ObjectReader.read(cm).object()));
        assertEquals("configured", store.apply(ObjectReader.read(cm.replace("v: '1'", "v: '2'")).object()));
        PodException e = assertThrows(PodException.class, () -> store.apply(ObjectReader.read(cm.replace("one", "two")).object()));
        assertTrue(e.getMessage().contains("field is immutable when `immutable` is set"), e.getMessage());
    }

    @Test
    void theStoreKeepsObjectsAcrossARestartAndSecretsAreRootsAlone(@TempDir Path dir) throws Exception {
        ApiObjects store = new ApiObjects(dir.resolve("objects"));
        store.apply(ObjectReader.read(SECRET).object());
        Path file = dir.resolve("objects/secret/shop/db.json");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        ApiObjects again = new ApiObjects(dir.resolve("objects"));
        var key = new ApiObjects.Key("Secret", "shop", "db");
        assertEquals(store.get(key), again.get(key));
        again.delete(key);
        assertFalse(Files.exists(file));
        PodException gone = assertThrows(PodException.class, () -> again.delete(key));
        assertEquals("secrets \"db\" not found in namespace \"shop\"", gone.getMessage());
    }

    @Test
    void aClaimIsBoundWithTheSizeItAsks(@TempDir Path dir) {
        ApiObjects store = new ApiObjects(dir);
        String pvc = """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
                """;
        store.apply(ObjectReader.read(pvc).object());
        var claim = store.get(new ApiObjects.Key("PersistentVolumeClaim", "default", "data")).orElseThrow();
        assertEquals("Bound", claim.path("status").path("phase").asText());
        assertEquals("1Gi", claim.path("status").path("capacity").path("storage").asText());
        PodException e = assertThrows(PodException.class, () -> ObjectReader.read(pvc.replace("1Gi", "lots")));
        assertTrue(e.getMessage().startsWith("spec.resources.requests.storage"), e.getMessage());
        PodException block = assertThrows(PodException.class, () -> ObjectReader.read(pvc.replace("resources:",
                "volumeMode: Block\n  resources:")));
        assertTrue(block.getMessage().startsWith("spec.volumeMode"), block.getMessage());
    }

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              securityContext: {fsGroup: 2000, fsGroupChangePolicy: OnRootMismatch}
              volumes:
              - name: cfg
                configMap: {name: web, defaultMode: 0440, items: [{key: color, path: colors/now, mode: 0400}]}
              - name: all
                projected:
                  sources:
                  - secret: {name: db, optional: true}
                  - downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
              - name: data
                persistentVolumeClaim: {claimName: data}
              containers:
              - name: app
                image: busybox:local
                command: [sh, -c, "echo $(GREETING)"]
                envFrom: [{prefix: CFG_, configMapRef: {name: web}}]
                env:
                - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                - {name: PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password, optional: true}}}
                - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
                - {name: GREETING, value: "hi $(POD)"}
                volumeMounts: [{name: cfg, mountPath: /cfg}]
            """;

    @Test
    void aPodsEnvAndConfigVolumesAreReadInOrder() {
        PodManifest m = ManifestReader.read(POD);
        PodManifest.Container app = m.spec().containers().get(0);
        assertEquals(List.of("POD", "PASSWORD", "MEM", "GREETING"), app.env().stream().map(EnvVar::name).toList());
        assertEquals("metadata.name", app.env().get(0).valueFrom().fieldPath());
        assertEquals(new EnvVar.KeyRef("db", "password", true), app.env().get(1).valueFrom().secretKeyRef());
        assertEquals(new EnvVar.ResourceRef(null, "limits.memory", "1Mi"), app.env().get(2).valueFrom().resourceFieldRef());
        assertEquals(List.of(new EnvFromSource("CFG_", "web", null, false)), app.envFrom());
        assertEquals(new Volume.ConfigMap("web", List.of(new Volume.KeyToPath("color", "colors/now", 0400)), 0440, false),
                m.spec().volumes().get(0).source());
        Volume.Projected all = (Volume.Projected) m.spec().volumes().get(1).source();
        assertEquals(new Volume.Secret("db", List.of(), null, true), all.sources().get(0));
        assertEquals(new Volume.Claim("data", false), m.spec().volumes().get(2).source());
        assertEquals(2000L, m.spec().security().fsGroup());
        assertEquals("OnRootMismatch", m.spec().security().fsGroupChangePolicy());
    }

    @Test
    void aManifestWithEveryNewSourceSurvivesThePodRecordARestartedDaemonReads() throws Exception {
        // The pod record is JSON of the manifest: a restarted daemon must read back the same pod.
        PodManifest m = ManifestReader.read(POD.replace("- name: data\n", "- name: tools\n    image: {reference: busybox:local}\n"
                + "  - name: data\n").replace("fsGroupChangePolicy: OnRootMismatch}", "fsGroupChangePolicy: OnRootMismatch,"
                + " sysctls: [{name: net.ipv4.tcp_syncookies, value: '1'}]}\n  resources: {limits: {memory: 64Mi}}"));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        PodManifest back = json.readValue(json.writeValueAsBytes(m), PodManifest.class);
        assertEquals(m.spec(), back.spec());
        assertEquals(m.allContainers(), back.allContainers());
        assertEquals(java.util.Map.of("net.ipv4.tcp_syncookies", "1"), back.spec().security().sysctls());
        assertEquals(new Volume.Image("busybox:local", "IfNotPresent"), back.spec().volumes().get(2).source());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "fieldPath: metadata.name|fieldPath: spec.restartPolicy|spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: \"spec.restartPolicy\" is not supported",
            "fieldPath: metadata.labels}|fieldPath: status.podIP}|spec.volumes[1].projected.sources[1].downwardAPI.items[0].fieldRef.fieldPath: \"status.podIP\" is not supported in a downward API volume",
            "key: password|key: 'pass word'|spec.containers[0].env[1].valueFrom.secretKeyRef.key: \"pass word\" is not a valid key",
            "divisor: 1Mi|divisor: 3|spec.containers[0].env[2].valueFrom.resourceFieldRef.divisor: \"3\" is not a divisor for limits.memory",
            "resource: limits.memory|resource: limits.gpu|spec.containers[0].env[2].valueFrom.resourceFieldRef.resource: \"limits.gpu\" is not supported",
            "{resource: limits.memory, divisor: 1Mi}|{resource: limits.memory, containerName: nope}|spec.containers[0].env[2].valueFrom.resourceFieldRef.containerName: \"nope\" is not a container of this pod",
            "mode: 0400|mode: 1000|spec.volumes[0].configMap.items[0].mode: 1000 is not a file mode",
            "path: colors/now|path: ../etc/x|spec.volumes[0].configMap.items[0].path: \"../etc/x\" must be a relative path",
            "- secret: {name: db, optional: true}|- serviceAccountToken: {path: token}|spec.volumes[1].projected.sources[0].serviceAccountToken: is issued by a Kubernetes API server, which a podshim node does not have",
            "fsGroupChangePolicy: OnRootMismatch|fsGroupChangePolicy: OnRootMismatch, seccompProfile: {type: RuntimeDefault}|spec.securityContext.seccompProfile.type: RuntimeDefault is not supported by podshim yet: it installs no seccomp filter",
            "fsGroupChangePolicy: OnRootMismatch|fsGroupChangePolicy: OnRootMismatch, seccompProfile: {type: Mine}|spec.securityContext.seccompProfile.type: \"Mine\" is not a seccomp profile type",
            "fsGroupChangePolicy: OnRootMismatch|fsGroupChangePolicy: Sometimes|spec.securityContext.fsGroupChangePolicy: \"Sometimes\" is not a policy",
            "prefix: CFG_, configMapRef|prefix: CFG_, secretRef: {name: x}, configMapRef|spec.containers[0].envFrom[0]: give exactly one of configMapRef and secretRef",
    })
    void aBadReferenceIsRefusedNamingTheField(String original, String replacement, String expected) {
        String yaml = POD.replace(original, replacement);
        assertTrue(!yaml.equals(POD), original);
        PodException e = assertThrows(PodException.class, () -> ManifestReader.read(yaml));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void whatPodshimDoesAlreadyIsTakenUnconfinedSeccompAndDefaultProcMount() {
        String yaml = POD.replace("fsGroupChangePolicy: OnRootMismatch}", "fsGroupChangePolicy: OnRootMismatch,"
                + " seccompProfile: {type: Unconfined}, appArmorProfile: {type: Unconfined}}").replace("command: [sh, -c, \"echo $(GREETING)\"]",
                "command: [sh]\n    securityContext: {procMount: Default, seccompProfile: {type: Unconfined}}");
        assertTrue(yaml.contains("procMount: Default") && yaml.contains("appArmorProfile"), "both places are in the manifest");
        PodManifest m = ManifestReader.read(yaml);
        assertEquals("app", m.spec().containers().get(0).name());
        PodException unmasked = assertThrows(PodException.class, () -> ManifestReader.read(yaml.replace("procMount: Default",
                "procMount: Unmasked")));
        assertTrue(unmasked.getMessage().startsWith("spec.containers[0].securityContext.procMount: \"Unmasked\" is not supported"),
                unmasked.getMessage());
    }

    @Test
    void labelsAreWrittenAsKubeletFormatsThem() {
        assertEquals("app=\"web\"\ntier=\"a \\\"b\\\"\\n\"", PodConfig.formatMap(java.util.Map.of("tier", "a \"b\"\n", "app", "web")));
    }

    @ParameterizedTest(name = "{1} of {0} in {2}")
    @CsvSource(delimiter = '|', value = {
            "250m|limits.cpu|1|1",
            "250m|limits.cpu|1m|250",
            "1500m|requests.cpu|1|2",
            "64Mi|limits.memory|1Mi|64",
            "64Mi|limits.memory|1|67108864",
            "100M|limits.memory|1Mi|96",
    })
    void aResourceIsRoundedUpInItsDivisor(String quantity, String resource, String divisor, String expected) {
        boolean cpu = resource.endsWith(".cpu");
        long value = io.podshim.cgroups.Quantity.parse("q", quantity).whole("q");
        long milli = io.podshim.cgroups.Quantity.parse("q", quantity).milli("q");
        PodManifest.Resources r = cpu ? new PodManifest.Resources(milli, milli, null, null) : new PodManifest.Resources(null, null, value, value);
        PodManifest.Container c = new PodManifest.Container("c", "i", null, null, List.of(), List.of(), null, r, List.of(),
                PodManifest.ContainerSecurity.NONE, false, null, List.of(), "Never", null, null, null, null, List.of(), false, false, false);
        assertEquals(expected, PodConfig.resource(c, PodManifest.Resources.NONE, resource, divisor));
    }
}
