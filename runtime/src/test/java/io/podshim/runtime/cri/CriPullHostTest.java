package io.podshim.runtime.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.podshim.cri.v1.AuthConfig;
import io.podshim.cri.v1.ImageSpec;
import io.podshim.cri.v1.ImageStatusRequest;
import io.podshim.cri.v1.PodSandboxConfig;
import io.podshim.cri.v1.PullImageRequest;
import io.podshim.cri.v1.RemoveImageRequest;
import io.podshim.runtime.FileTrees;
import io.podshim.runtime.image.TestImages;
import io.podshim.runtime.image.registry.LocalRegistry;
import io.podshim.runtime.image.registry.PullSettings;
import io.podshim.runtime.image.registry.RegistriesConf;
import io.podshim.runtime.network.NetworkSettings;
import io.podshim.testing.FileWait;
import io.podshim.testing.HostTest;
import io.podshim.testing.Patience;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PullImage from a real registry (TLS, htpasswd) with the credentials kubelet puts in the request
 * (a pod's imagePullSecrets), the node having none of its own; then a container from the image by
 * the id PullImage gave, as kubelet creates it.
 */
@HostTest
@Tag("registry") // the cgroup v2 VM rung leaves it out: its subject does not depend on the cgroup version (vm/run.sh)
class CriPullHostTest {

    @Test
    void anImagePulledWithTheRequestsCredentialsRunsAndIsRemoved() throws Exception {
        LocalRegistry.assumeTools();
        Path work = Files.createTempDirectory("podshim-cri-pull-");
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("registry"))) {
            Path layout = TestImages.ociLayout(work.resolve("image"), "1", TestImages.config(List.of("/bin/sh", "-c"),
                    List.of("cat /etc/which; sleep 3600"), List.of()), List.of(TestImages.busyboxLayer(),
                    TestImages.layer(List.of(TestImages.Entry.file("etc/which", "from the registry\n")))));
            registry.push(layout, "1", "lab/app", "1", false);
            String ref = registry.host + "/lab/app:1";
            Path noAuth = Files.writeString(work.resolve("no-auth.json"), "{\"auths\": {}}"); // the node has no credentials
            try (CriNode node = new CriNode(NetworkSettings.none(), new PullSettings(noAuth, registry.caDir,
                    RegistriesConf.NONE))) {
                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> node.imageService.pullImage(
                        PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build()));
                assertTrue(refused.getStatus().getDescription().contains("401") || refused.getStatus().getDescription()
                        .toLowerCase(java.util.Locale.ROOT).contains("unauthorized"), refused.getStatus().toString());

                String auth = java.util.Base64.getEncoder().encodeToString((LocalRegistry.USER + ":" + LocalRegistry.PASSWORD).getBytes());
                String id = node.imageService.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref))
                        .setAuth(AuthConfig.newBuilder().setAuth(auth).setServerAddress(registry.host)).build()).getImageRef();
                assertTrue(id.startsWith("sha256:"), id);
                var status = node.imageService.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder()
                        .setImage(ref)).build()).getImage();
                assertEquals(id, status.getId());
                assertEquals(List.of(ref), status.getRepoTagsList());
                assertTrue(status.getRepoDigests(0).startsWith(registry.host + "/lab/app@sha256:"), status.toString());
                assertTrue(status.getSize() > 0);

                PodSandboxConfig config = CriNode.sandbox("pulled", work.resolve("logs"), io.podshim.cri.v1.NamespaceMode.POD)
                        .toBuilder().setLogDirectory(work.resolve("logs").toString()).build();
                String pod = node.runtime.runPodSandbox(io.podshim.cri.v1.RunPodSandboxRequest.newBuilder().setConfig(config).build())
                        .getPodSandboxId();
                var container = io.podshim.cri.v1.ContainerConfig.newBuilder()
                        .setMetadata(io.podshim.cri.v1.ContainerMetadata.newBuilder().setName("app"))
                        .setImage(ImageSpec.newBuilder().setImage(id)).setLogPath("app.log").build();
                String app = node.runtime.createContainer(io.podshim.cri.v1.CreateContainerRequest.newBuilder().setPodSandboxId(pod)
                        .setConfig(container).setSandboxConfig(config).build()).getContainerId();
                node.runtime.startContainer(io.podshim.cri.v1.StartContainerRequest.newBuilder().setContainerId(app).build());
                FileWait.contains(work.resolve("logs/app.log"), "stdout F from the registry", Patience.of(Duration.ofSeconds(10)));
                node.runtime.removePodSandbox(io.podshim.cri.v1.RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());

                node.imageService.removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(id)).build());
                node.imageService.removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(id)).build());
                assertFalse(node.imageService.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder()
                        .setImage(ref)).build()).hasImage(), "removed, by its id, with its name");
            }
        } finally {
            FileTrees.delete(work);
        }
    }
}
