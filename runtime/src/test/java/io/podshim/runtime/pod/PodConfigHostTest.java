package io.podshim.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.PodException;
import io.podshim.testing.HostTest;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ConfigMaps, Secrets, the downward API, claims and fsGroup as a pod's containers see them, on the real kernel. */
@HostTest
class PodConfigHostTest extends PodEngineHarness {
    private static final String SECRET_VALUE = "hunter2-do-not-leak";

    private static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** A file of the pod cgroup (the pause's leaf's parent), found from /proc/PID/cgroup on v1 and v2 alike. */
    private static String podCgroupFile(int pausePid, String controller, String file) throws Exception {
        for (String line : Files.readAllLines(java.nio.file.Path.of("/proc/" + pausePid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            boolean v2 = f[0].equals("0") && f[1].isEmpty();
            if (v2 || List.of(f[1].split(",")).contains(controller)) {
                java.nio.file.Path leaf = java.nio.file.Path.of(v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/" + controller, f[2]);
                java.nio.file.Path at = leaf.getParent().resolve(file);
                if (Files.exists(at)) {
                    return Files.readString(at).strip();
                }
            }
        }
        throw new AssertionError("no " + file + " for pid " + pausePid);
    }

    private void apply(String yaml) {
        engine.applyObject(ObjectReader.read(yaml));
    }

    private String exec(String pod, String container, String script) {
        return engine.exec(pod, container, List.of("sh", "-c", script)).stdout();
    }

    private static ContainerStatus container(PodStatus p, String name) {
        return p.allContainers().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anInitContainerReadsAConfigMapVolumeAndASecretEnvAndAnUpdateReachesTheRunningApp() throws Exception {
        apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {color: blue, size: L}\n");
        apply("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: " + SECRET_VALUE + "}\n");
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: cfg}
                spec:
                  volumes: [{name: cfg, configMap: {name: web}}]
                  initContainers:
                  - name: check
                    image: busybox:local
                    command: [sh, -c, 'cat /cfg/color; echo; [ "$(printf %%s "$PASSWORD" | sha256sum | cut -c1-64)" = %s ] && echo password-ok']
                    env: [{name: PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]
                    volumeMounts: [{name: cfg, mountPath: /cfg}]
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sh, -c, "echo '$(GREETING)|$$(GREETING)|$(NOPE)'; exec sleep 3600"]
                    env:
                    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                    - {name: GREETING, value: "hello $(POD)"}
                    envFrom: [{prefix: CFG_, configMapRef: {name: web}}]
                    volumeMounts:
                    - {name: cfg, mountPath: /cfg}
                    - {name: cfg, mountPath: /pinned/color, subPath: color}
                """.formatted(sha256(SECRET_VALUE))));
        PodStatus running = await("cfg", s -> s.display().equals("Running"));
        assertEquals(List.of("blue", "password-ok"), logLines("cfg", "check"));
        assertEquals(List.of("hello cfg|$(GREETING)|$(NOPE)"), logLines("cfg", "app"),
                "$(VAR) expanded over the variables before it, $$ escaping, an unknown one left as written");
        assertEquals("blue L\n", exec("cfg", "app", "echo $CFG_color $CFG_size"));
        assertTrue(exec("cfg", "app", "touch /cfg/new 2>&1; echo $?").endsWith("1\n"), "a ConfigMap volume is read-only");

        apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {color: red}\n");
        // The update is made on the supervisor before the exec below is served there.
        assertEquals("red", exec("cfg", "app", "cat /cfg/color"));
        assertEquals("..data\ncolor\n", exec("cfg", "app", "ls -A /cfg | grep -v '^\\.\\.2'"), "size went with the update");
        assertEquals("blue", exec("cfg", "app", "cat /pinned/color"), "a subPath mount keeps what it was given, as in Kubernetes");
        PodStatus after = engine.status("cfg").orElseThrow();
        assertEquals(0, container(after, "app").restartCount(), "no restart: the volume changed in place");
        assertEquals(running.containers().get(0).pid(), container(after, "app").pid());

        String everything = io.podshim.runtime.kube.PodObject.of(after, "node").toString()
                + io.podshim.runtime.kube.PodObject.events(after, "node").toString();
        assertFalse(everything.contains(SECRET_VALUE), "the Secret's value is in no status or event");
    }

    @Test
    void aPodWaitsForAMissingSecretOrConfigMapAndStartsWhenItIsApplied() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: env-waits}
                spec:
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sh, -c, "echo $TOKEN; exec sleep 3600"]
                    env:
                    - {name: TOKEN, valueFrom: {secretKeyRef: {name: later, key: token}}}
                    - {name: MAYBE, valueFrom: {configMapKeyRef: {name: nowhere, key: k, optional: true}}}
                """));
        PodStatus waiting = await("env-waits", s -> "CreateContainerConfigError".equals(s.containers().get(0).state().reason()));
        assertEquals("secret \"later\" not found", waiting.containers().get(0).state().message());
        assertEquals("CreateContainerConfigError", waiting.display());
        assertEquals("Pending", waiting.phase());
        assertTrue(waiting.events().stream().anyMatch(e -> e.reason().equals("Failed") && e.message().equals("Error: secret \"later\" not found")),
                waiting.events().toString());

        apply("apiVersion: v1\nkind: Secret\nmetadata: {name: later}\nstringData: {other: x}\n");
        PodStatus stillWaiting = await("env-waits", s -> "couldn't find key token in Secret default/later".equals(s.containers().get(0)
                .state().message()));
        assertEquals(0, stillWaiting.containers().get(0).restartCount());
        apply("apiVersion: v1\nkind: Secret\nmetadata: {name: later}\nstringData: {token: t0k3n}\n");
        PodStatus running = await("env-waits", s -> s.display().equals("Running"));
        assertEquals(0, running.containers().get(0).restartCount(), "waiting for config is no restart");
        assertEquals(List.of("t0k3n"), logLines("env-waits", "app"));

        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: mount-waits}
                spec:
                  volumes:
                  - {name: cfg, configMap: {name: late-cm}}
                  - {name: opt, secret: {secretName: never-there, optional: true}}
                  containers:
                  - {name: app, image: busybox:local, command: [sleep, "3600"], volumeMounts: [{name: cfg, mountPath: /cfg}, {name: opt, mountPath: /opt}]}
                """));
        PodStatus pending = await("mount-waits", s -> s.events().stream().anyMatch(e -> e.reason().equals("FailedMount")));
        assertEquals("ContainerCreating", pending.display());
        assertEquals(0, pending.pausePid(), "kubelet makes no sandbox before every volume is there");
        assertTrue(pending.events().stream().anyMatch(e -> e.message().equals(
                "MountVolume.SetUp failed for volume \"cfg\" : configmap \"late-cm\" not found")), pending.events().toString());
        apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late-cm}\ndata: {k: v}\n");
        await("mount-waits", s -> s.display().equals("Running"));
        assertEquals("v|\n", exec("mount-waits", "app", "echo \"$(cat /cfg/k)|$(ls /opt)\""), "an optional Secret that is missing is an empty volume");
    }

    @Test
    void aClaimKeepsItsDataAcrossTwoPodsAndIsNotRemovedWhileInUse() throws Exception {
        apply("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: store}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Mi}}}
                """);
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  restartPolicy: Never
                  volumes: [{name: data, persistentVolumeClaim: {claimName: store}}]
                  containers: [{name: app, image: busybox:local, command: [sh, -c, "%s"], volumeMounts: [{name: data, mountPath: /data}]}]
                """;
        engine.run(pod(pod.formatted("writer", "echo kept > /data/file")));
        assertEquals("Succeeded", await("writer", PodStatus::finished).phase());
        engine.delete("writer", null).get();
        engine.run(pod(pod.formatted("reader", "cat /data/file; exec sleep 3600")));
        await("reader", s -> s.display().equals("Running"));
        assertEquals(List.of("kept"), logLines("reader", "app"));
        assertEquals(List.of(new PodEngine.VolumeInfo("default", "store", base.resolve("state/volumes/default/store"), List.of("reader"))),
                engine.volumes());
        PodException inUse = assertThrows(PodException.class, () -> engine.removeVolume("default", "store"));
        assertEquals("volume store is in use by pod reader: delete the pod first", inUse.getMessage());
        engine.delete("reader", java.time.Duration.ZERO).get();
        engine.removeVolume("default", "store");
        assertEquals(List.of(), engine.volumes());
        assertTrue(engine.objects("PersistentVolumeClaim", "default").isEmpty(), "the claim goes with its volume");
        assertFalse(Files.exists(base.resolve("state/volumes/default/store")));
    }

    @Test
    void theDownwardApiShowsThePodsNameLabelsAndResourcesAndFollowsALabelChange() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: facts, labels: {app: web, tier: front}, annotations: {team: blue}}
                spec:
                  volumes:
                  - name: info
                    downwardAPI:
                      items:
                      - {path: name, fieldRef: {fieldPath: metadata.name}}
                      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                      - {path: team, fieldRef: {fieldPath: "metadata.annotations['team']"}}
                      - {path: cpu, resourceFieldRef: {containerName: app, resource: limits.cpu, divisor: 1m}}
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sleep, "3600"]
                    resources: {limits: {cpu: 250m, memory: 32Mi}}
                    env:
                    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
                    - {name: UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}
                    - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
                    - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
                    volumeMounts: [{name: info, mountPath: /info}]
                """;
        PodManifest manifest = pod(yaml);
        engine.run(manifest);
        await("facts", s -> s.display().equals("Running"));
        assertEquals("facts|app=\"web\"\ntier=\"front\"|blue|250\n", exec("facts", "app",
                "echo \"$(cat /info/name)|$(cat /info/labels)|$(cat /info/team)|$(cat /info/cpu)\""));
        assertEquals(NodeAdmission.nodeName() + "|" + manifest.uid() + "|web|32\n", exec("facts", "app", "echo \"$NODE|$UID|$APP|$MEM\""));
        engine.apply(pod(yaml.replace("tier: front", "tier: back").replace("uid", "uid")
                .replace("metadata: {name: facts,", "metadata: {uid: " + manifest.uid() + ", name: facts,")));
        assertEquals("app=\"web\"\ntier=\"back\"", exec("facts", "app", "cat /info/labels"), "a label change reaches the file in place");
    }

    @Test
    void fsGroupOwnsThePodsVolumesAndEveryContainerIsInIt() throws Exception {
        apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: group-read}\ndata: {k: only-the-group}\n");
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: grouped}
                spec:
                  securityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 3000}
                  volumes:
                  - {name: scratch, emptyDir: {}}
                  - {name: cfg, configMap: {name: group-read, defaultMode: 0600}}
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sleep, "3600"]
                    volumeMounts: [{name: scratch, mountPath: /scratch}, {name: cfg, mountPath: /cfg}]
                """));
        await("grouped", s -> s.display().equals("Running"));
        assertTrue(List.of(exec("grouped", "app", "id -G").trim().split(" ")).contains("3000"), "fsGroup is a supplementary group");
        assertEquals("3000\n3000\n", exec("grouped", "app", "touch /scratch/made; stat -c %g /scratch; stat -c %g /scratch/made"),
                "the emptyDir is the group's, and what is made in it too (set-group-ID)");
        assertEquals("only-the-group|640\n", exec("grouped", "app", "echo \"$(cat /cfg/k)|$(stat -L -c %a /cfg/k)\""),
                "a file of mode 0600 is readable by the group, as kubelet gives it to fsGroup");
    }

    @Test
    void anImageVolumeThatMayNotBePulledWaitsWithKubeletsMessage() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: never}
                spec:
                  volumes: [{name: tools, image: {reference: "example.invalid/none:1", pullPolicy: Never}}]
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"], volumeMounts: [{name: tools, mountPath: /t}]}]
                """));
        PodStatus waiting = await("never", s -> s.events().stream().anyMatch(e -> e.reason().equals("FailedMount")));
        assertEquals("ContainerCreating", waiting.display());
        assertTrue(waiting.events().stream().anyMatch(e -> e.message().equals("MountVolume.SetUp failed for volume \"tools\" :"
                + " ErrImageNeverPull: image \"example.invalid/none:1\" is not present with pull policy of Never")), waiting.events().toString());
    }

    @Test
    void podLevelResourcesCapAContainerWithoutLimitsAndAreWhatItsDownwardApiSees() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: pod-capped}
                spec:
                  restartPolicy: Never
                  resources: {limits: {memory: 32Mi}}
                  containers:
                  - name: hog
                    image: busybox:local
                    command: [sh, -c, "echo $MEM; exec dd if=/dev/zero of=/dev/null bs=64M count=1"]
                    env: [{name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}]
                """));
        PodStatus done = await("pod-capped", PodStatus::finished);
        assertEquals("OOMKilled", done.display(), "the pod's limit holds a container that has none of its own");
        assertEquals(List.of("32"), logLines("pod-capped", "hog"));
        assertEquals("Burstable", done.qosClass());
        assertEquals(32L * 1024 * 1024 + " bytes", done.cgroupLimits().get("memory limit"));

        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: few-pids}
                spec:
                  resources: {limits: {pids: "64"}}
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"]}]
                """));
        PodStatus few = await("few-pids", s -> s.display().equals("Running"));
        assertEquals("64", podCgroupFile(few.pausePid(), "pids", "pids.max"), "the pod's own pids limit is its cgroup's pids.max");
        PodException containerPids = assertThrows(PodException.class, () -> pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: refused}
                spec:
                  containers: [{name: app, image: busybox:local, resources: {limits: {pids: "5"}}}]
                """));
        assertTrue(containerPids.getMessage().startsWith("spec.containers[0].resources.limits.pids: is a pod-level limit"),
                containerPids.getMessage());

        PodException tooBig = assertThrows(PodException.class, () -> pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: refused}
                spec:
                  resources: {limits: {cpu: 500m}}
                  containers: [{name: app, image: busybox:local, resources: {limits: {cpu: 1}}}]
                """));
        assertTrue(tooBig.getMessage().startsWith("spec.resources.limits.cpu: container app's cpu limit is above the pod's"),
                tooBig.getMessage());
    }

    @Test
    void aDiskEmptyDirOverItsSizeLimitEvictsThePodAsKubeletDoes() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  volumes: [{name: scratch, emptyDir: {sizeLimit: 1Mi}}]
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"], volumeMounts: [{name: scratch, mountPath: /scratch}]}]
                """;
        engine.run(pod(yaml.formatted("within")));
        engine.run(pod(yaml.formatted("beyond")));
        await("within", s -> s.display().equals("Running"));
        await("beyond", s -> s.display().equals("Running"));
        exec("within", "app", "dd if=/dev/zero of=/scratch/fill bs=1k count=512 2>/dev/null");
        exec("beyond", "app", "dd if=/dev/zero of=/scratch/fill bs=1k count=2048 2>/dev/null");
        engine.housekeeping().get(60, java.util.concurrent.TimeUnit.SECONDS);
        PodStatus evicted = await("beyond", PodStatus::finished);
        assertEquals("Failed", evicted.phase());
        assertEquals("Evicted", evicted.reason());
        assertEquals("Usage of EmptyDir volume \"scratch\" exceeds the limit \"1Mi\".", evicted.message());
        assertEquals("Running", engine.status("within").orElseThrow().display(), "half its limit: left alone");
    }

    @Test
    void aContainerWritingMoreThanItsEphemeralStorageLimitIsEvicted() throws Exception {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: writer}
                spec:
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sleep, "3600"]
                    resources: {requests: {ephemeral-storage: 1Mi}, limits: {ephemeral-storage: 1Mi}}
                """));
        await("writer", s -> s.display().equals("Running"));
        exec("writer", "app", "dd if=/dev/zero of=/tmp/small bs=1k count=256 2>/dev/null");
        engine.housekeeping().get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("Running", engine.status("writer").orElseThrow().display(), "within its limit");
        exec("writer", "app", "dd if=/dev/zero of=/tmp/fill bs=1k count=2048 2>/dev/null");
        engine.housekeeping().get(60, java.util.concurrent.TimeUnit.SECONDS);
        PodStatus evicted = await("writer", PodStatus::finished);
        assertEquals("Evicted", evicted.reason());
        assertEquals("Container app exceeded its local ephemeral storage limit \"1Mi\".", evicted.message());
    }

    @Test
    void safeSysctlsAreSetInThePodsOwnNamespacesNeverTheNodes() throws Exception {
        String hostPorts = io.podshim.linux.Sysctl.read("net.ipv4.ip_local_port_range");
        String hostRmid = io.podshim.linux.Sysctl.read("kernel.shm_rmid_forced");
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: tuned}
                spec:
                  securityContext:
                    sysctls:
                    - {name: net.ipv4.ip_local_port_range, value: "20000 20999"}
                    - {name: kernel/shm_rmid_forced, value: "%s"}
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"]}]
                """.formatted(hostRmid.equals("1") ? "0" : "1")));
        await("tuned", s -> s.display().equals("Running"));
        assertEquals("20000\t20999\n" + (hostRmid.equals("1") ? "0" : "1") + "\n", exec("tuned", "app",
                "cat /proc/sys/net/ipv4/ip_local_port_range /proc/sys/kernel/shm_rmid_forced"));
        assertEquals(hostPorts, io.podshim.linux.Sysctl.read("net.ipv4.ip_local_port_range"), "the node's own is untouched");
        assertEquals(hostRmid, io.podshim.linux.Sysctl.read("kernel.shm_rmid_forced"));

        PodException unsafe = assertThrows(PodException.class, () -> pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: unsafe}
                spec:
                  securityContext: {sysctls: [{name: kernel.msgmax, value: "65536"}]}
                  containers: [{name: app, image: busybox:local}]
                """));
        assertTrue(unsafe.getMessage().startsWith("spec.securityContext.sysctls[0].name: SysctlForbidden: \"kernel.msgmax\""),
                unsafe.getMessage());
        PodException bad = assertThrows(PodException.class, () -> engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: bad-value}
                spec:
                  securityContext: {sysctls: [{name: net.ipv4.tcp_syncookies, value: "lots"}]}
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"]}]
                """)));
        assertTrue(bad.getMessage().startsWith("spec.securityContext.sysctls: net.ipv4.tcp_syncookies=lots was refused by the kernel:"
                + " write(/proc/sys/net/ipv4/tcp_syncookies, \"lots\"): EINVAL (Invalid argument)"), bad.getMessage());
        assertTrue(engine.status("bad-value").isEmpty(), "refused whole");
    }

    @Test
    void aGenericEphemeralVolumeIsAClaimOwnedByThePodAndGoesWithIt() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  volumes:
                  - name: scratch
                    ephemeral:
                      volumeClaimTemplate:
                        metadata: {labels: {type: scratch}}
                        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"], volumeMounts: [{name: scratch, mountPath: /scratch}]}]
                """;
        PodManifest manifest = pod(yaml.formatted("eph"));
        engine.run(manifest);
        await("eph", s -> s.display().equals("Running"));
        exec("eph", "app", "echo kept-while-the-pod-lives > /scratch/f");
        var claim = engine.object("PersistentVolumeClaim", "default", "eph-scratch").orElseThrow();
        assertEquals("scratch", claim.path("metadata").path("labels").path("type").asText());
        assertEquals(manifest.uid(), claim.path("metadata").path("ownerReferences").path(0).path("uid").asText());
        assertTrue(Files.exists(base.resolve("state/volumes/default/eph-scratch/f")));
        engine.delete("eph", java.time.Duration.ZERO).get();
        assertTrue(engine.object("PersistentVolumeClaim", "default", "eph-scratch").isEmpty(), "the claim went with its pod");
        assertFalse(Files.exists(base.resolve("state/volumes/default/eph-scratch")));

        apply("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: taken-scratch}\nspec: {accessModes: [ReadWriteOnce],"
                + " resources: {requests: {storage: 1Gi}}}\n");
        PodException notOwner = assertThrows(PodException.class, () -> engine.run(pod(yaml.formatted("taken"))));
        assertEquals("PVC default/taken-scratch was not created for pod default/taken (pod is not owner): delete that claim, or rename"
                + " the volume", notOwner.getMessage());
        engine.deleteObject("PersistentVolumeClaim", "default", "taken-scratch");
    }
}
