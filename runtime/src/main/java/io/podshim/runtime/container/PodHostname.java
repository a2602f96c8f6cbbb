package io.podshim.runtime.container;

/**
 * A pod's names, as kubelet works them out: {@code hostname} is {@code spec.hostname} or the pod
 * name cut to 63 characters; with {@code spec.subdomain} the pod also has a fully qualified name,
 * {@code <hostname>.<subdomain>.<namespace>.svc.<cluster domain>}, which /etc/hosts lists first and,
 * with {@code setHostnameAsFQDN}, the kernel's hostname is.
 *
 * @param domain {@code <subdomain>.<namespace>.svc.<cluster domain>}, or null without a subdomain
 */
public record PodHostname(String hostname, String domain, boolean fqdnAsHostname) {
    /** The cluster domain kubelet is most often given (--cluster-domain); a podshim node has no cluster DNS to ask. */
    public static final String CLUSTER_DOMAIN = "cluster.local";

    /** Kubelet's own default: the pod name's, no domain. */
    public static PodHostname of(String podName) {
        return new PodHostname(io.podshim.pause.SandboxSpec.hostnameOf(podName), null, false);
    }

    /** The fully qualified name, or the hostname alone without a domain. */
    public String fqdn() {
        return domain == null ? hostname : hostname + "." + domain;
    }

    /** What sethostname(2) gets in the pod's uts namespace. */
    public String kernelHostname() {
        return fqdnAsHostname ? fqdn() : hostname;
    }

    /** The /etc/hosts line of the pod's own address: its FQDN first when it has one, as kubelet writes it. */
    public String hostsLine(String ip) {
        return ip + "\t" + (domain == null ? hostname : fqdn() + "\t" + hostname) + "\n";
    }
}
