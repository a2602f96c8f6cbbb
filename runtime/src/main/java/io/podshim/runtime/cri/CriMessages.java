package io.podshim.runtime.cri;

import io.podshim.cri.v1.ContainerStatus;
import io.podshim.cri.v1.LinuxPodSandboxStatus;
import io.podshim.cri.v1.Namespace;
import io.podshim.cri.v1.PodSandboxNetworkStatus;
import io.podshim.cri.v1.PodSandboxState;
import io.podshim.cri.v1.PodSandboxStatus;

/** A sandbox's and a container's status as CRI messages: one place for what the status calls and the event stream say. */
final class CriMessages {
    private CriMessages() {}

    static PodSandboxState state(CriSandbox s) {
        return s.ready() ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
    }

    static PodSandboxStatus sandbox(CriSandbox s) {
        PodSandboxStatus.Builder status = PodSandboxStatus.newBuilder().setId(s.id).setMetadata(s.config.getMetadata())
                .setState(state(s)).setCreatedAt(s.createdAtNanos).putAllLabels(s.config.getLabelsMap())
                .putAllAnnotations(s.config.getAnnotationsMap())
                .setLinux(LinuxPodSandboxStatus.newBuilder().setNamespaces(Namespace.newBuilder()
                        .setOptions(s.config.getLinux().getSecurityContext().getNamespaceOptions())));
        if (s.ip != null) {
            status.setNetwork(PodSandboxNetworkStatus.newBuilder().setIp(s.ip));
        }
        return status.build();
    }

    /** Under {@code c}'s lock. */
    static ContainerStatus container(CriContainer c) {
        ContainerStatus.Builder status = ContainerStatus.newBuilder().setId(c.id)
                .setMetadata(c.config.getMetadata()).setState(c.state).setCreatedAt(c.createdAtNanos)
                .setStartedAt(c.startedAtNanos).setFinishedAt(c.finishedAtNanos).setExitCode(c.exitCode)
                .setImage(c.config.getImage()).setImageRef(c.imageRef()).setReason(c.reason).setMessage(c.message)
                .putAllLabels(c.config.getLabelsMap()).putAllAnnotations(c.config.getAnnotationsMap())
                .addAllMounts(c.config.getMountsList()).setLogPath(c.logPath.toString());
        if (c.config.getLinux().hasResources()) {
            status.setResources(io.podshim.cri.v1.ContainerResources.newBuilder().setLinux(c.config.getLinux().getResources()));
        }
        return status.build();
    }
}
