package io.podshim.pause;

import io.podshim.linux.Namespace;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a pod sandbox needs to know about its pod: its name, its uid (which names its directory),
 * the hostname of its uts namespace, which namespaces it shares with the host, and the size of its
 * /dev/shm. Validated on construction, before anything is created.
 *
 * @param hostname null for the one kubelet derives from the pod name ({@link #hostnameOf})
 */
public record SandboxSpec(String podName, String podUid, String hostname, boolean hostNetwork, boolean hostIPC,
                          boolean hostPID, long shmSizeBytes) {

    /** The size of /dev/shm a container runtime gives a pod by default (docker, containerd, CRI-O). */
    public static final long DEFAULT_SHM_SIZE = 64L * 1024 * 1024;

    // RFC 1123 subdomain, as Kubernetes requires for metadata.name.
    private static final Pattern SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    // The uid names a directory: letters, digits and '-' only, as in a Kubernetes UUID.
    private static final Pattern UID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    /** sethostname(2) takes at most HOST_NAME_MAX (64) bytes. */
    private static final int HOST_NAME_MAX = 64;

    public SandboxSpec {
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(podUid, "podUid");
        if (podName.length() > 253 || !SUBDOMAIN.matcher(podName).matches()) {
            throw new SandboxException("metadata.name: \"" + podName + "\" is not a valid pod name: use at most 253"
                    + " lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. \"web-1\")");
        }
        requireValidUid(podUid);
        hostname = hostname == null ? hostnameOf(podName) : hostname;
        if (hostname.isEmpty() || hostname.length() > HOST_NAME_MAX || !SUBDOMAIN.matcher(hostname).matches()) {
            throw new SandboxException("hostname \"" + hostname + "\" cannot be the pod's hostname: use 1 to " + HOST_NAME_MAX
                    + " lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
        }
        if (shmSizeBytes < 4096) {
            throw new SandboxException("shm size " + shmSizeBytes + " bytes is too small: give at least 4096 (one page)");
        }
    }

    /** Returns {@code podUid} if it can name a sandbox directory, else fails naming the field. */
    public static String requireValidUid(String podUid) {
        if (podUid == null || !UID.matcher(podUid).matches()) {
            throw new SandboxException("metadata.uid: \"" + podUid + "\" is not a valid pod uid: use 1 to 64 letters,"
                    + " digits and '-', starting with a letter or digit (e.g. a UUID)");
        }
        return podUid;
    }

    public static SandboxSpec of(String podName, String podUid) {
        return new SandboxSpec(podName, podUid, null, false, false, false, DEFAULT_SHM_SIZE);
    }

    /** {@code hostname} (null: the pod name's) in the pod's uts namespace. */
    public SandboxSpec withHostname(String name) {
        return new SandboxSpec(podName, podUid, name, hostNetwork, hostIPC, hostPID, shmSizeBytes);
    }

    public SandboxSpec withHostNetwork(boolean on) {
        return new SandboxSpec(podName, podUid, hostname, on, hostIPC, hostPID, shmSizeBytes);
    }

    public SandboxSpec withHostIPC(boolean on) {
        return new SandboxSpec(podName, podUid, hostname, hostNetwork, on, hostPID, shmSizeBytes);
    }

    public SandboxSpec withHostPID(boolean on) {
        return new SandboxSpec(podName, podUid, hostname, hostNetwork, hostIPC, on, shmSizeBytes);
    }

    public SandboxSpec withShmSize(long bytes) {
        return new SandboxSpec(podName, podUid, hostname, hostNetwork, hostIPC, hostPID, bytes);
    }

    /** As kubelet derives a hostname from a pod name: cut to 63 characters, without a trailing '-' or '.'. */
    public static String hostnameOf(String podName) {
        String name = podName.length() > 63 ? podName.substring(0, 63) : podName;
        return name.replaceAll("[-.]+$", "");
    }

    /**
     * The namespaces the sandbox creates. uts follows net as in Kubernetes: a hostNetwork pod has the
     * node's hostname. The mount namespace is always the pod's own: it holds /dev/shm and volumes.
     */
    public Set<Namespace> createdNamespaces() {
        Set<Namespace> kinds = EnumSet.of(Namespace.MNT);
        if (!hostNetwork) {
            kinds.add(Namespace.NET);
            kinds.add(Namespace.UTS);
        }
        if (!hostIPC) {
            kinds.add(Namespace.IPC);
        }
        if (!hostPID) {
            kinds.add(Namespace.PID);
        }
        return kinds;
    }
}
