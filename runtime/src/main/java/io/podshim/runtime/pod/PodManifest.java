package io.podshim.runtime.pod;

import io.podshim.runtime.container.Volume;
import io.podshim.runtime.container.VolumeMount;
import io.podshim.runtime.probe.Lifecycle;
import io.podshim.runtime.probe.Probe;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes Pod as podshim runs it: the subset of v1.Pod it supports, validated.
 *
 * @param annotations the pod's, as given
 * @param source the submitted object as it was read (what {@code get -o yaml} shows as the spec, the
 *     API server's defaults filled in; what an update is compared with); null in a record of an
 *     earlier podshim
 */
public record PodManifest(String name, String namespace, String uid, Map<String, String> labels, Map<String, String> annotations,
                          Spec spec, com.fasterxml.jackson.databind.JsonNode source) {
    public PodManifest {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /**
     * @param shareProcessNamespace true unless the manifest says false: sharing the pod's pid
     *     namespace is podshim's default, since seeing it is the point (Kubernetes defaults to false)
     * @param resources the pod's own {@code spec.resources} (pod-level, Kubernetes 1.34), NONE if unset
     */
    public record Spec(List<Container> initContainers, List<Container> containers, List<Volume> volumes,
                       RestartPolicy restartPolicy, long terminationGracePeriodSeconds, Long activeDeadlineSeconds,
                       boolean shareProcessNamespace, boolean hostNetwork, boolean hostPID, boolean hostIPC,
                       PodSecurity security, io.podshim.runtime.container.PodDns dns,
                       List<io.podshim.runtime.container.HostAlias> hostAliases, io.podshim.runtime.container.PodHostname hostname,
                       Resources resources) {
        public Spec {
            resources = resources == null ? Resources.NONE : resources;
            dns = dns == null ? io.podshim.runtime.container.PodDns.DEFAULT : dns;
            java.util.Objects.requireNonNull(hostname, "hostname");
            hostAliases = hostAliases == null ? List.of() : List.copyOf(hostAliases);
        }

        Spec with(List<Container> initContainers, List<Container> containers, Long activeDeadlineSeconds) {
            return new Spec(initContainers, containers, volumes, restartPolicy, terminationGracePeriodSeconds, activeDeadlineSeconds,
                    shareProcessNamespace, hostNetwork, hostPID, hostIPC, security, dns, hostAliases, hostname, resources);
        }
    }

    /**
     * @param fsGroup the group that owns the pod's volumes and that every container is in, or null
     * @param fsGroupChangePolicy Always (the default: every file, each time) or OnRootMismatch (only
     *     when the volume's root is not already so)
     * @param sysctls namespaced kernel parameters set in the pod's namespaces, in order (dotted names)
     */
    public record PodSecurity(Long runAsUser, Long runAsGroup, boolean runAsNonRoot, List<Long> supplementalGroups, Long fsGroup,
                              String fsGroupChangePolicy, Map<String, String> sysctls) {
        static final PodSecurity NONE = new PodSecurity(null, null, false, List.of(), null, null, Map.of());

        public PodSecurity {
            sysctls = sysctls == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sysctls));
        }
    }

    /**
     * One container. {@code sidecar} marks an init container with restartPolicy Always;
     * {@code restartPolicy} is an app container's own (null: the pod's), and {@code restartPolicyRules}
     * come before it. {@code command} and {@code args} are null when unset, which Kubernetes treats
     * differently from empty; so are the probes. {@code stdin} keeps the container's standard input
     * open for attach ({@code stdinOnce}: closed after the first attach ends); {@code tty} gives it a
     * terminal of its own. {@code env} is in order: a {@code $(VAR)} sees only the variables before it.
     */
    public record Container(String name, String image, List<String> command, List<String> args, List<EnvVar> env,
                            List<EnvFromSource> envFrom, String workingDir, Resources resources, List<VolumeMount> volumeMounts,
                            ContainerSecurity security, boolean sidecar, RestartPolicy restartPolicy,
                            List<RestartRule> restartPolicyRules, String imagePullPolicy, Probe startupProbe,
                            Probe livenessProbe, Probe readinessProbe, Lifecycle lifecycle,
                            List<io.podshim.runtime.network.PortMapping> hostPorts, boolean stdin, boolean stdinOnce, boolean tty) {
        public Container {
            lifecycle = lifecycle == null ? Lifecycle.NONE : lifecycle;
            hostPorts = hostPorts == null ? List.of() : List.copyOf(hostPorts);
            restartPolicyRules = restartPolicyRules == null ? List.of() : List.copyOf(restartPolicyRules);
            env = env == null ? List.of() : List.copyOf(env);
            envFrom = envFrom == null ? List.of() : List.copyOf(envFrom);
        }

        Container withImage(String image) {
            return new Container(name, image, command, args, env, envFrom, workingDir, resources, volumeMounts, security, sidecar, restartPolicy,
                    restartPolicyRules, imagePullPolicy, startupProbe, livenessProbe, readinessProbe, lifecycle, hostPorts, stdin,
                    stdinOnce, tty);
        }
    }

    /**
     * CPU in millicores, memory and local ephemeral storage in bytes; null where unset. The
     * ephemeral-storage limit is kept by eviction (kubelet's way): the container's writable layer
     * and logs are measured, not capped. {@code pidsLimit}: a pod-level limit only (the pod cgroup's pids.max).
     */
    public record Resources(Long cpuRequestMilli, Long cpuLimitMilli, Long memoryRequestBytes, Long memoryLimitBytes,
                            Long ephemeralStorageRequestBytes, Long ephemeralStorageLimitBytes, Long pidsLimit) {
        static final Resources NONE = new Resources(null, null, null, null);

        public Resources(Long cpuRequestMilli, Long cpuLimitMilli, Long memoryRequestBytes, Long memoryLimitBytes) {
            this(cpuRequestMilli, cpuLimitMilli, memoryRequestBytes, memoryLimitBytes, null, null, null);
        }
    }

    public record ContainerSecurity(boolean privileged, List<String> capabilitiesAdd, List<String> capabilitiesDrop,
                                    Long runAsUser, Long runAsGroup, Boolean runAsNonRoot, boolean readOnlyRootFilesystem,
                                    Boolean allowPrivilegeEscalation) {
        static final ContainerSecurity NONE = new ContainerSecurity(false, List.of(), List.of(), null, null, null, false, null);
    }

    /** Init containers, then app containers, in spec order. */
    public List<Container> allContainers() {
        List<Container> all = new java.util.ArrayList<>(spec.initContainers());
        all.addAll(spec.containers());
        return all;
    }
}
