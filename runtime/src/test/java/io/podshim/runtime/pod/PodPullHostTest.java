package io.podshim.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.FileTrees;
import io.podshim.runtime.image.TestImages;
import io.podshim.runtime.image.registry.LocalRegistry;
import io.podshim.runtime.image.registry.PullSettings;
import io.podshim.runtime.image.registry.RegistriesConf;
import io.podshim.runtime.image.registry.TcpGate;
import io.podshim.testing.HostTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Pull on apply, against a real registry on loopback (TLS with its own CA, htpasswd auth): a pod
 * whose image is only in the registry pulls it and runs, with kubelet's events; two pods that need
 * one image make one pull; a registry that is gone while a pod waits for its image gives
 * ErrImagePull, then ImagePullBackOff, and the pod runs once the registry is back, no restart
 * counted. A {@link TcpGate} in front of the registry holds the pulls where a test must act
 * while they wait.
 */
@HostTest
@Tag("registry") // the cgroup v2 VM rung leaves it out: its subject does not depend on the cgroup version (vm/run.sh)
class PodPullHostTest extends PodEngineHarness {
    private static Path work;
    private static LocalRegistry registry;
    private static TcpGate gate;
    private static Path auth;
    private static Path busybox;

    @BeforeAll
    static void startRegistry() throws Exception {
        LocalRegistry.assumeTools();
        work = Files.createTempDirectory("podshim-pod-pull-");
        registry = LocalRegistry.start(work.resolve("registry"));
        gate = TcpGate.to(registry.port());
        auth = registry.authFile(LocalRegistry.USER, LocalRegistry.PASSWORD, registry.host, gate.host());
        busybox = TestImages.ociLayout(work.resolve("busybox"), "1", TestImages.config(List.of("/bin/sh", "-c"),
                List.of("cat /etc/which; sleep 3600"), List.of()), List.of(TestImages.busyboxLayer(),
                TestImages.layer(List.of(TestImages.Entry.file("etc/which", "from the registry\n")))));
        for (String tag : List.of("run", "shared", "volume", "private")) {
            registry.push(busybox, "1", "lab/busybox", tag, false);
        }
    }

    @AfterAll
    static void stopRegistry() throws IOException {
        if (gate != null) {
            gate.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (work != null) {
            FileTrees.delete(work);
        }
    }

    @Override
    PullSettings pullSettings() {
        return new PullSettings(auth, registry.caDir, RegistriesConf.NONE);
    }

    /** Runs pod {@code name}: one container, {@code app}, from {@code image} and its own command. */
    private void runOneContainer(String name, String image) {
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  containers: [{name: app, image: "%s"}]
                """.formatted(name, image)));
    }

    @Test
    void aPodWhoseImageIsOnlyInARegistryPullsItWithCredentialsAndRuns() throws Exception {
        String image = registry.host + "/lab/busybox:run";
        runOneContainer("pulled", image);
        PodStatus running = await("pulled", s -> s.display().equals("Running"));
        List<String> reasons = running.events().stream().filter(e -> e.object().equals("app")).map(PodEvent::reason).toList();
        assertEquals(List.of("Pulling", "Pulled", "Created", "Started"), reasons, "kubelet's events, in its order");
        PodEvent pulled = running.events().stream().filter(e -> e.reason().equals("Pulled")).findFirst().orElseThrow();
        assertTrue(pulled.message().matches("Successfully pulled image \"" + java.util.regex.Pattern.quote(image)
                + "\" in [0-9.]+s( \\(already in the store: only its manifest was fetched\\))?\\. Image size: [0-9]+ bytes\\."),
                pulled.message());
        assertEquals(List.of("from the registry"), logLines("pulled", "app"), "the container runs the pulled image");
        engine.delete("pulled", java.time.Duration.ZERO).get();

        // The same image again, by a pod of its own: IfNotPresent, and the store has it.
        runOneContainer("again", image);
        PodStatus again = await("again", s -> s.display().equals("Running"));
        assertTrue(again.events().stream().anyMatch(e -> e.reason().equals("Pulled")
                && e.message().equals("Container image \"" + image + "\" already present on machine")), again.events().toString());
        assertTrue(again.events().stream().noneMatch(e -> e.reason().equals("Pulling")), "no pull for an image that is there");
    }

    @Test
    void anImageVolumeIsPulledBeforeTheSandboxAndMountedReadOnly() throws Exception {
        String image = registry.host + "/lab/busybox:volume";
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: with-image}
                spec:
                  volumes: [{name: tools, image: {reference: "%s"}}]
                  containers:
                  - name: app
                    image: busybox:local
                    command: [sleep, "3600"]
                    volumeMounts: [{name: tools, mountPath: /tools}, {name: tools, mountPath: /etc-of-image, subPath: etc}]
                """.formatted(image)));
        PodStatus running = await("with-image", s -> s.display().equals("Running"));
        List<String> reasons = running.events().stream().filter(e -> e.object().equals("pod")).map(PodEvent::reason).toList();
        assertEquals(List.of("Pulling", "Pulled", "Scheduled"), reasons.subList(0, 3), "the volume's image before the sandbox");
        assertEquals("from the registry\nfrom the registry\n1\n", engine.exec("with-image", "app", List.of("sh", "-c",
                "cat /tools/etc/which /etc-of-image/which; touch /tools/x 2>/dev/null; echo $?")).stdout());
        io.podshim.runtime.PodException inUse = org.junit.jupiter.api.Assertions.assertThrows(io.podshim.runtime.PodException.class,
                () -> engine.removeImage(image));
        assertTrue(inUse.getMessage().contains("in use by pod with-image"), inUse.getMessage());
    }

    @Test
    void aPodsImagePullSecretIsWhatItsPullLogsInWith() throws Exception {
        // No credentials of the node's: only the pod's Secret can let the pull in.
        Path none = Files.writeString(work.resolve("no-credentials.json"), "{\"auths\": {}}");
        engine.close(java.time.Duration.ZERO);
        engine = new PodEngine(new PodEngine.Config(base.resolve("state"), base.resolve("logs"), cgroupRoot, null, FAST), images,
                new PullSettings(none, registry.caDir, RegistriesConf.NONE));
        String image = registry.host + "/lab/busybox:private";
        engine.run(pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: private}
                spec:
                  imagePullSecrets: [{name: regcred}]
                  containers: [{name: app, image: "%s"}]
                """.formatted(image)));
        PodStatus refused = await("private", s -> "ErrImagePull".equals(s.containers().get(0).state().reason())
                || "ImagePullBackOff".equals(s.containers().get(0).state().reason()));
        assertTrue(refused.events().stream().anyMatch(e -> e.reason().equals("FailedToRetrieveImagePullSecret")
                && e.message().equals("Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.")),
                refused.events().toString());
        String auth = java.util.Base64.getEncoder().encodeToString((LocalRegistry.USER + ":" + LocalRegistry.PASSWORD).getBytes());
        engine.applyObject(ObjectReader.read("""
                apiVersion: v1
                kind: Secret
                metadata: {name: regcred}
                type: kubernetes.io/dockerconfigjson
                stringData:
                  .dockerconfigjson: '{"auths": {"%s": {"auth": "%s"}}}'
                """.formatted(registry.host, auth)));
        PodStatus running = await("private", s -> s.display().equals("Running"));
        assertEquals(List.of("from the registry"), logLines("private", "app"));
        assertEquals(0, running.containers().get(0).restartCount(), "a pull that failed is no restart");
        String all = running.events().toString();
        assertTrue(!all.contains(LocalRegistry.PASSWORD) && !all.contains(auth), "the credentials are in no event");
    }

    @Test
    void twoPodsThatNeedOneImageMakeOnePull() throws Exception {
        String image = gate.host() + "/lab/busybox:shared";
        for (String name : List.of("first", "second")) {
            runOneContainer(name, image);
        }
        // Both wait on the gate, so both pulls are asked for while neither is done.
        for (String name : List.of("first", "second")) {
            PodStatus waiting = await(name, s -> s.events().stream().anyMatch(e -> e.reason().equals("Pulling")));
            assertEquals("ContainerCreating", waiting.display());
            assertEquals("Pending", waiting.phase());
        }
        long before = registry.requests("GET /v2/lab/busybox/manifests/shared", 200);
        gate.open();
        await("first", s -> s.display().equals("Running"));
        await("second", s -> s.display().equals("Running"));
        assertEquals(before + 1, registry.requests("GET /v2/lab/busybox/manifests/shared", 200), "one pull served both pods");
    }

    @Test
    void aRegistryThatIsGoneGivesErrImagePullThenImagePullBackOffAndThePodRunsOnceItIsBack() throws Exception {
        try (LocalRegistry flaky = LocalRegistry.start(work.resolve("flaky"), LocalRegistry.Setup.OPEN);
             TcpGate held = TcpGate.to(flaky.port())) {
            flaky.push(busybox, "1", "lab/busybox", "1", false);
            String image = held.host() + "/lab/busybox:1";
            // The CA of this registry, not the shared one's: a settings of its own, through an engine of its own.
            engine.close(java.time.Duration.ZERO);
            engine = new PodEngine(new PodEngine.Config(base.resolve("state"), base.resolve("logs"), cgroupRoot, null, FAST),
                    images, new PullSettings(auth, flaky.caDir, RegistriesConf.NONE));
            engine.run(pod("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: patient}
                    spec:
                      restartPolicy: Never
                      containers: [{name: app, image: "%s"}]
                    """.formatted(image)));
            await("patient", s -> s.events().stream().anyMatch(e -> e.reason().equals("Pulling")));
            flaky.kill(); // gone while the pull waits at the gate
            held.open();
            PodStatus failed = await("patient", s -> s.display().equals("ErrImagePull"));
            ContainerState state = failed.containers().get(0).state();
            assertTrue(state.message().contains(held.host()) && state.message().contains("lab/busybox"), state.message());
            assertTrue(failed.events().stream().anyMatch(e -> e.type().equals("Warning")
                    && e.message().startsWith("Failed to pull image \"" + image + "\": ")), failed.events().toString());
            PodStatus backingOff = await("patient", s -> s.display().equals("ImagePullBackOff"));
            assertTrue(backingOff.containers().get(0).state().message().startsWith("Back-off pulling image \"" + image + "\""));
            assertEquals("Pending", backingOff.phase(), "a pull that fails is no failure of the pod, even under restartPolicy Never");
            flaky.resume();
            PodStatus running = await("patient", s -> s.display().equals("Running"));
            assertEquals(0, running.containers().get(0).restartCount(), "pull retries are not restarts");
            engine.delete("patient", java.time.Duration.ZERO).get();
            flaky.kill(); // the process it started is this test's to stop, before the harness looks for leftovers
        }
    }
}
