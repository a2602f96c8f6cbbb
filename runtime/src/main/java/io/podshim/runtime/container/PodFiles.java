package io.podshim.runtime.container;

import io.podshim.pause.PodSandbox;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files kubelet gives every container of a pod: /etc/hostname, /etc/hosts and /etc/resolv.conf,
 * written once into the sandbox directory and bound into each container (read-write, as kubelet
 * does, so one container's edit is seen by the others).
 */
public final class PodFiles {
    private PodFiles() {}

    public static List<BindMount> of(PodSandbox sandbox) {
        return of(sandbox, null, List.of(), PodDns.DEFAULT);
    }

    /**
     * With {@code podIP} (or null: the pod has only lo) as the address of the pod's hostname in
     * /etc/hosts, then {@code aliases}, as kubelet writes it; resolv.conf as {@code dns} says.
     */
    public static List<BindMount> of(PodSandbox sandbox, String podIP, List<HostAlias> aliases, PodDns dns) {
        Path etc = sandbox.directory().resolve("etc");
        String hostname = sandbox.spec().hostname();
        try {
            if (!Files.isDirectory(etc)) {
                Files.createDirectories(etc);
                Files.writeString(etc.resolve("hostname"), hostname + "\n");
                // Without a pod IP (only lo), the pod's own name resolves to a loopback address instead.
                StringBuilder hosts = new StringBuilder("# Kubernetes-managed hosts file (podshim).\n"
                        + "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                        + (podIP == null ? "127.0.1.1" : podIP) + "\t" + hostname + "\n");
                if (!aliases.isEmpty()) {
                    hosts.append("\n# Entries added by HostAliases.\n");
                    aliases.forEach(a -> hosts.append(a.ip()).append('\t').append(String.join("\t", a.hostnames())).append('\n'));
                }
                Files.writeString(etc.resolve("hosts"), hosts.toString());
                Path host = Path.of("/etc/resolv.conf");
                Files.writeString(etc.resolve("resolv.conf"), dns.resolvConf(Files.isReadable(host) ? Files.readString(host) : ""));
            }
        } catch (IOException e) {
            throw new PodException("pod " + sandbox.spec().podName() + ": write " + etc + ": " + e, e);
        }
        return List.of(new BindMount(etc.resolve("hostname"), "/etc/hostname", false),
                new BindMount(etc.resolve("hosts"), "/etc/hosts", false),
                new BindMount(etc.resolve("resolv.conf"), "/etc/resolv.conf", false));
    }
}
