package io.podshim.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.podshim.testing.HostTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ConfigMaps, Secrets and claims through the CLI and a real daemon, as kubectl's user handles them:
 * one file applied and deleted whole, the objects read back by a Kubernetes model library, and a
 * Secret's value in no output but its own object's.
 */
@HostTest
class ConfigObjectsHostTest extends DaemonHarness {
    private static final String PASSWORD = "s3cr3t-value-never-shown";
    /** The pod first: it waits for what the later documents bring, and starts once they are there. */
    private static final String ALL = """
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              terminationGracePeriodSeconds: 1
              volumes:
              - {name: settings, configMap: {name: settings}}
              - {name: data, persistentVolumeClaim: {claimName: data}}
              containers:
              - name: app
                image: busybox:local
                command: [sleep, "3600"]
                env: [{name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}]
                volumeMounts: [{name: settings, mountPath: /etc/app}, {name: data, mountPath: /data}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {mode: fast}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            type: Opaque
            stringData: {password: %s}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            """.formatted(PASSWORD);

    @Test
    void oneFileOfPodConfigMapSecretAndClaimIsAppliedReadAndDeletedWhole() throws Exception {
        Path file = manifest(ALL);
        Result applied = cli("apply", "-f", file.toString());
        assertEquals(new Result(0, "pod/app created\nconfigmap/settings created\nsecret/creds created\n"
                + "persistentvolumeclaim/data created\n", ""), applied);
        daemon.engine().await("app", DaemonHarness::running).get(60, TimeUnit.SECONDS);
        Result seen = cli("exec", "app", "--", "sh", "-c", "cat /etc/app/mode; echo; [ -n \"$PASSWORD\" ] && echo has-password");
        assertEquals("fast\nhas-password\n", seen.out(), seen.toString());
        assertEquals(new Result(0, "pod/app unchanged\nconfigmap/settings unchanged\nsecret/creds unchanged\n"
                + "persistentvolumeclaim/data unchanged\n", ""), cli("apply", "-f", file.toString()));

        Result cms = cli("get", "configmaps");
        assertTrue(cms.out().matches("NAME       DATA   AGE\nsettings   1      \\d+s\n"), cms.out());
        Result secrets = cli("get", "secrets");
        assertTrue(secrets.out().matches("NAME    TYPE     DATA   AGE\ncreds   Opaque   1      \\d+s\n"), secrets.out());
        Result claims = cli("get", "pvc");
        assertTrue(claims.out().startsWith("NAME   STATUS   VOLUME        "), claims.out());
        assertTrue(claims.out().contains(" Bound    pvc-") && claims.out().contains("1Gi        RWO            <unset>"), claims.out());

        ConfigMap cm = new ObjectMapper().readValue(cli("get", "cm", "settings", "-o", "json").out(), ConfigMap.class);
        assertEquals(Map.of("mode", "fast"), cm.getData());
        assertTrue(cm.getAdditionalProperties().isEmpty() && cm.getMetadata().getAdditionalProperties().isEmpty());
        assertEquals("default", cm.getMetadata().getNamespace());
        Secret secret = new YAMLMapper().readValue(cli("get", "secret", "creds", "-o", "yaml").out(), Secret.class);
        assertEquals(PASSWORD, new String(Base64.getDecoder().decode(secret.getData().get("password")), StandardCharsets.UTF_8),
                "a Secret's own object has its value, base64, as the API server gives it");
        assertEquals("Opaque", secret.getType());
        PersistentVolumeClaim pvc = new ObjectMapper().readValue(cli("get", "pvc", "data", "-o", "json").out(),
                PersistentVolumeClaim.class);
        assertEquals("Bound", pvc.getStatus().getPhase());

        // Nowhere else: not in the pod, its description, its events, or a refusal.
        Result describe = cli("describe", "pod", "app");
        assertTrue(describe.out().contains("PASSWORD:  <set to the key 'password' in secret 'creds'>  Optional: false"), describe.out());
        assertTrue(describe.out().contains("Type:      ConfigMap (a volume populated by a ConfigMap)"), describe.out());
        for (Result r : List.of(describe, cli("get", "pod", "app", "-o", "yaml"), cli("get", "events", "-o", "json"), cli("get", "secrets"),
                cli("apply", "-f", manifest(ALL.replace("stringData: {password: " + PASSWORD + "}", "data: {password: \"" + PASSWORD + "!\"}")).toString()))) {
            assertFalse(r.out().contains(PASSWORD) || r.err().contains(PASSWORD) || r.out().contains(Base64.getEncoder()
                    .encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8))), r.toString());
        }

        Result describedSecret = cli("describe", "secret", "creds");
        assertTrue(describedSecret.out().contains("Type:  Opaque\n\nData\n====\npassword:  " + PASSWORD.length() + " bytes\n"),
                describedSecret.out());
        assertFalse(describedSecret.out().contains(PASSWORD));
        assertTrue(cli("describe", "configmap", "settings").out().contains("Data\n====\nmode:\n----\nfast\n"));
        Result describedClaim = cli("describe", "pvc", "data");
        assertTrue(describedClaim.out().contains("Status:        Bound\n") && describedClaim.out().contains("Used By:       app\n"),
                describedClaim.out());

        Result volumes = cli("volume", "ls");
        assertTrue(volumes.out().matches("NAMESPACE   NAME   USED BY   PATH\ndefault     data   app       /.*/volumes/default/data\n"),
                volumes.out());
        Result inUse = cli("volume", "rm", "data");
        assertEquals(new Result(1, "", "Error from podshim: volume data is in use by pod app: delete the pod first\n"), inUse);

        Result deleted = cli("delete", "-f", file.toString());
        assertEquals(new Result(0, "pod/app deleted\nconfigmap \"settings\" deleted\nsecret \"creds\" deleted\n"
                + "persistentvolumeclaim \"data\" deleted\n", ""), deleted);
        assertEquals("No resources found\n", cli("get", "configmaps").out());
        assertEquals("No volumes\n", cli("volume", "ls").out());
        assertFalse(Files.exists(base.resolve("volumes/default/data")), "the claim went with its volume");
    }

    @Test
    void aBadObjectIsRefusedNamingTheFieldAndNothingIsStored() throws Exception {
        Result bad = cli("apply", "-f", manifest("""
                apiVersion: v1
                kind: Secret
                metadata: {name: broken}
                data: {token: "not base64!"}
                """).toString());
        assertEquals(1, bad.code());
        assertEquals("Error from podshim: data.token: is not valid base64 (the value itself is never shown): give the value"
                + " base64-encoded, or put it in stringData\n", bad.err());
        assertEquals("No resources found\n", cli("get", "secrets").out());
        Result missing = cli("delete", "configmap", "nope");
        assertEquals(new Result(1, "", "Error from podshim: configmaps \"nope\" not found\n"), missing);
    }

    @Test
    void createConfigmapAndSecretAsKubectlDoesFromLiteralsAndFiles() throws Exception {
        Path conf = Files.writeString(base.resolve("app.properties"), "color=blue\n");
        Path logo = Files.write(base.resolve("logo.bin"), new byte[] {(byte) 0xff, 0, (byte) 0xfe});
        assertEquals(new Result(0, "configmap/web created\n", ""), cli("create", "configmap", "web", "--from-literal=mode=fast",
                "--from-file=" + conf, "--from-file=logo=" + logo));
        ConfigMap cm = new ObjectMapper().readValue(cli("get", "cm", "web", "-o", "json").out(), ConfigMap.class);
        assertEquals(Map.of("mode", "fast", "app.properties", "color=blue\n"), cm.getData());
        assertEquals(Map.of("logo", "/wD+"), cm.getBinaryData(), "what is not text goes under binaryData, as kubectl puts it");
        assertEquals(new Result(1, "", "Error from podshim: configmaps \"web\" already exists\n"), cli("create", "cm", "web",
                "--from-literal=a=b"));

        assertEquals(new Result(0, "secret/db created\n", ""), cli("create", "secret", "generic", "db", "--from-literal=password=" + PASSWORD));
        Secret db = new ObjectMapper().readValue(cli("get", "secret", "db", "-o", "json").out(), Secret.class);
        assertEquals(PASSWORD, new String(Base64.getDecoder().decode(db.getData().get("password")), StandardCharsets.UTF_8));
        assertEquals(new Result(0, "secret/regcred created\n", ""), cli("create", "secret", "docker-registry", "regcred",
                "--docker-server=registry.example:5000", "--docker-username=lab", "--docker-password=" + PASSWORD));
        Secret reg = new ObjectMapper().readValue(cli("get", "secret", "regcred", "-o", "json").out(), Secret.class);
        assertEquals("kubernetes.io/dockerconfigjson", reg.getType());
        String config = new String(Base64.getDecoder().decode(reg.getData().get(".dockerconfigjson")), StandardCharsets.UTF_8);
        assertEquals("lab:" + PASSWORD, new String(Base64.getDecoder().decode(new ObjectMapper().readTree(config).path("auths")
                .path("registry.example:5000").path("auth").asText()), StandardCharsets.UTF_8));
        Result noKey = cli("create", "secret", "generic", "x", "--from-literal=" + PASSWORD);
        assertEquals(1, noKey.code());
        assertFalse(noKey.err().contains(PASSWORD), noKey.err());
    }
}
