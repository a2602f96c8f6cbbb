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
        return of(sandbox, PodHostname.of(sandbox.spec().podName()), null, List.of(), PodDns.DEFAULT);
    }

    /**
     * With {@code podIP} (or null: the pod has only lo) as the address of the pod's {@code names} in
     * /etc/hosts, then {@code aliases}, as kubelet writes it; resolv.conf as {@code dns} says. A pod
     * with the node's network has the node's hostname and, as kubelet gives it, the node's hosts file
     * (and its aliases).
     */
    public static List<BindMount> of(PodSandbox sandbox, PodHostname names, String podIP, List<HostAlias> aliases, PodDns dns) {
        Path etc = sandbox.directory().resolve("etc");
        boolean node = sandbox.spec().hostNetwork();
        try {
            if (!Files.isDirectory(etc)) {
                Files.createDirectories(etc);
                Files.writeString(etc.resolve("hostname"), (node ? nodeHostname() : names.kernelHostname()) + "\n");
                StringBuilder hosts = new StringBuilder();
                if (node) {
                    Path host = Path.of("/etc/hosts");
                    hosts.append("# Kubernetes-managed hosts file (host network).\n")
                            .append(Files.isReadable(host) ? Files.readString(host) : "");
                } else {
                    // Without a pod IP (only lo), the pod's own name resolves to a loopback address instead.
                    hosts.append("# Kubernetes-managed hosts file (podshim).\n"
                            + "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
                            .append(names.hostsLine(podIP == null ? "127.0.1.1" : podIP));
                }
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

    /** The hostname of the uts namespace podshim runs in, which a hostNetwork pod shares. */
    private static String nodeHostname() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }
}
