package io.podshim.runtime.cri;

import io.podshim.cri.v1.RuntimeCondition;
import io.podshim.runtime.network.NetworkSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The two conditions kubelet waits for before it puts pods on a node: RuntimeReady (podshim
 * answers, so it is) and NetworkReady, which kubelet reads as "a pod could get a network now". As
 * containerd says it: not ready while no CNI network is configured.
 */
final class RuntimeConditions {
    private final NetworkSettings network;

    RuntimeConditions(NetworkSettings network) {
        this.network = network;
    }

    List<RuntimeCondition> now() {
        return List.of(RuntimeCondition.newBuilder().setType("RuntimeReady").setStatus(true).build(), networkReady());
    }

    private RuntimeCondition networkReady() {
        RuntimeCondition.Builder c = RuntimeCondition.newBuilder().setType("NetworkReady");
        if (network.mode() == NetworkSettings.Mode.NONE) {
            // Pods get their loopback only: nothing to wait for, and nothing more will come.
            return c.setStatus(true).build();
        }
        if (hasConfig(network.confDir())) {
            return c.setStatus(true).build();
        }
        // Without a network in the conf dir podshim makes its own bridge, with the plugins installed.
        if (network.binDirs().stream().anyMatch(d -> Files.isExecutable(d.resolve("bridge")))) {
            return c.setStatus(true).build();
        }
        return c.setStatus(false).setReason("NetworkPluginNotReady").setMessage("no CNI network in " + network.confDir()
                + " and no bridge plugin in " + network.binDirs() + ": install the CNI plugins or add a network").build();
    }

    private static boolean hasConfig(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).anyMatch(n -> n.endsWith(".conflist") || n.endsWith(".conf")
                    || n.endsWith(".json"));
        } catch (IOException e) {
            return false;
        }
    }
}
