package io.podshim.runtime.cri;

import io.podshim.cgroups.CgroupManager;
import io.podshim.cgroups.CgroupPath;
import io.podshim.cri.v1.ContainerConfig;
import io.podshim.cri.v1.KeyValue;
import io.podshim.cri.v1.LinuxContainerSecurityContext;
import io.podshim.cri.v1.Mount;
import io.podshim.cri.v1.MountPropagation;
import io.podshim.cri.v1.NamespaceMode;
import io.podshim.linux.Stdio;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.BindMount;
import io.podshim.runtime.container.LaunchPlan;
import io.podshim.runtime.container.ProcessCommand;
import io.podshim.runtime.container.ProcessUser;
import io.podshim.runtime.container.SecurityCapabilities;
import io.podshim.runtime.image.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The launch plan of a CRI container, decided at CreateContainer so that a config podshim cannot
 * run is refused there, naming its field: command from the image and the config, env, user,
 * capabilities, mounts as kubelet lists them (its /etc/hosts and volumes over the sandbox's own
 * files), and the pid namespace the config asks for.
 */
final class CriContainerPlan {
    private CriContainerPlan() {}

    static LaunchPlan of(CriSandbox sandbox, String id, ContainerConfig config, StoredImage image, CgroupManager cgroups,
                         CgroupPath cgroup, List<BindMount> sandboxFiles) {
        if (config.getDevicesCount() > 0) {
            throw PodException.invalid("config.devices", "podshim does not give containers host devices yet: remove them");
        }
        LinuxContainerSecurityContext sec = config.getLinux().getSecurityContext();
        String field = "config.linux.security_context";
        if (sec.hasRunAsGroup() && !sec.hasRunAsUser() && sec.getRunAsUsername().isEmpty()) {
            throw PodException.invalid(field + ".run_as_group", "is given without run_as_user or run_as_username: give the user too");
        }
        var imageConfig = image.config();
        String imageUser = sec.getRunAsUsername().isEmpty() ? imageConfig.user() : sec.getRunAsUsername();
        ProcessUser user = ProcessUser.resolve(image.rootfs(), imageUser, sec.hasRunAsUser() ? sec.getRunAsUser().getValue() : null,
                sec.hasRunAsGroup() ? sec.getRunAsGroup().getValue() : null, sec.getSupplementalGroupsList(), false, field);
        List<String> argv = ProcessCommand.argv(imageConfig.entrypoint(), imageConfig.cmd(), config.getCommandList(),
                config.getArgsList());
        if (argv.isEmpty()) {
            throw PodException.invalid("config.command", "required: the image " + config.getImage().getImage()
                    + " has no Entrypoint or Cmd");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (KeyValue kv : config.getEnvsList()) {
            env.put(kv.getKey(), kv.getValue());
        }
        List<BindMount> mounts = new ArrayList<>();
        Set<String> given = config.getMountsList().stream().map(Mount::getContainerPath).collect(Collectors.toSet());
        sandboxFiles.stream().filter(f -> !given.contains(f.target())).forEach(mounts::add);
        for (int i = 0; i < config.getMountsCount(); i++) {
            mounts.add(mount(config.getMounts(i), "config.mounts[" + i + "]"));
        }
        NamespaceMode pid = sec.getNamespaceOptions().getPid();
        boolean privileged = sec.getPrivileged();
        long capabilities = SecurityCapabilities.of(privileged, sec.getCapabilities().getAddCapabilitiesList(),
                sec.getCapabilities().getDropCapabilitiesList(), field);
        return new LaunchPlan(sandbox.name(), config.getMetadata().getName(), sandbox.handle.sandbox(), image.rootfs(),
                sandbox.handle.sandbox().directory().resolve("containers").resolve(id), sec.getReadonlyRootfs(), mounts, argv,
                ProcessCommand.env(imageConfig.env(), env), ProcessCommand.workingDir(imageConfig.workingDir(), config.getWorkingDir()),
                user.uid(), user.gid(), user.groups(), capabilities, sec.getNoNewPrivs(), !privileged, pid != NamespaceMode.CONTAINER,
                cgroups, cgroup, Stdio.devNull(), Stdio.devNull(), Stdio.devNull(), config.getTty(), null,
                // kubelet sends runc's lists for an unprivileged container, none for a privileged one (or
                // procMount: Unmasked); a client that sends none (crictl) gets the defaults unless privileged.
                sec.getMaskedPathsCount() > 0 ? sec.getMaskedPathsList() : null,
                sec.getReadonlyPathsCount() > 0 ? sec.getReadonlyPathsList() : null);
    }

    /**
     * A kubelet mount: its host path made if missing (a directory, as containerd makes it), its
     * propagation rprivate (None) or rslave (HostToContainer). Bidirectional would need the
     * container's whole mount tree shared with the host's, which podshim does not make.
     */
    private static BindMount mount(Mount m, String field) {
        if (!m.getHostPath().startsWith("/")) {
            throw PodException.invalid(field + ".host_path", "\"" + m.getHostPath() + "\" is not an absolute path");
        }
        if (!m.getContainerPath().startsWith("/")) {
            throw PodException.invalid(field + ".container_path", "\"" + m.getContainerPath() + "\" is not an absolute path");
        }
        if (m.getPropagation() == MountPropagation.PROPAGATION_BIDIRECTIONAL) {
            throw PodException.invalid(field + ".propagation", m.getPropagation() + " is not supported by podshim yet: use"
                    + " PROPAGATION_PRIVATE (mountPropagation: None) or PROPAGATION_HOST_TO_CONTAINER (HostToContainer)");
        }
        long propagation = io.podshim.linux.MountFlags.MS_REC | (m.getPropagation() == MountPropagation.PROPAGATION_HOST_TO_CONTAINER
                ? io.podshim.linux.MountFlags.MS_SLAVE : io.podshim.linux.MountFlags.MS_PRIVATE);
        Path host = Path.of(m.getHostPath());
        try {
            if (!Files.exists(host)) {
                Files.createDirectories(host);
            }
        } catch (IOException e) {
            throw new PodException(field + ".host_path: create " + host + ": " + e, e);
        }
        try {
            return new BindMount(host, m.getContainerPath(), m.getReadonly(), propagation);
        } catch (IllegalArgumentException e) {
            throw PodException.invalid(field + ".container_path", e.getMessage());
        }
    }
}
