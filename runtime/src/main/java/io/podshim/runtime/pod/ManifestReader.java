package io.podshim.runtime.pod;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.podshim.cgroups.CgroupException;
import io.podshim.cgroups.Quantity;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.Volume;
import io.podshim.runtime.container.VolumeMount;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads a Kubernetes Pod manifest (YAML or JSON) into a validated {@link PodManifest}. Fields podshim
 * does not know, or does not support yet, are refused with their path rather than ignored: a pod
 * that silently loses its grpc probe or its configMap would not be the pod its author wrote.
 */
public final class ManifestReader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private static final Set<String> CONTAINER_KEYS = Field.keys("name", "image", "command", "args", "env", "workingDir",
            "resources", "volumeMounts", "securityContext", "restartPolicy", "imagePullPolicy", "ports",
            "terminationMessagePath", "terminationMessagePolicy", "livenessProbe", "readinessProbe", "startupProbe",
            "lifecycle", "restartPolicyRules", "stdin", "stdinOnce", "tty", "resizePolicy", "envFrom");
    private static final Set<String> CONTAINER_LATER = Field.keys("volumeDevices");
    /** A fieldRef to one label or annotation: {@code metadata.labels['app']}. */
    static final Pattern SUBSCRIPT = Pattern.compile("metadata\\.(labels|annotations)\\['(.*)'\\]");
    /** The fieldRefs an env variable may have, as the API server allows them (a label or annotation besides). */
    private static final Set<String> ENV_FIELDS = Set.of("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
            "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs");
    /** And a downward API file: no status (it is written before the pod has one), whole label and annotation maps. */
    private static final Set<String> FILE_FIELDS = Set.of("metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels",
            "metadata.annotations");
    private static final Set<String> RESOURCES = Set.of("limits.cpu", "limits.memory", "requests.cpu", "requests.memory");
    /** Kubernetes' safe sysctls: namespaced, isolated between pods, allowed on every node. */
    private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem");
    private static final Pattern DATA_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

    private ManifestReader() {}

    /** The YAML or JSON documents of {@code text}, empty ones left out; a syntax error names its line. */
    static List<JsonNode> documents(String text) {
        List<JsonNode> documents;
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            documents = it.readAll();
        } catch (JsonProcessingException e) {
            throw PodException.invalid("the manifest is not valid YAML or JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new PodException("read the manifest: " + e.getMessage(), e);
        }
        documents.removeIf(d -> d == null || d.isNull() || d.isMissingNode());
        return documents;
    }

    public static PodManifest read(String text) {
        List<JsonNode> documents = documents(text);
        if (documents.size() != 1) {
            throw PodException.invalid("the manifest holds " + documents.size() + " documents: give exactly one Pod");
        }
        return read(documents.get(0));
    }

    /** A Pod already parsed (one document of several). */
    static PodManifest read(JsonNode document) {
        return pod(new Field(document, ""));
    }

    private static PodManifest pod(Field root) {
        root.onlyKeys(Field.keys("apiVersion", "kind", "metadata", "spec", "status"), Set.of());
        if (!"v1".equals(root.string("apiVersion"))) {
            throw root.get("apiVersion").error("\"" + root.string("apiVersion") + "\" is not supported: use v1");
        }
        if (!"Pod".equals(root.string("kind"))) {
            throw root.get("kind").error("\"" + root.string("kind") + "\" is not supported: podshim runs a Pod");
        }
        // What the API server sets (a manifest saved with get -o yaml has them) is taken and left alone.
        Field metadata = root.get("metadata").onlyKeys(Field.keys("name", "namespace", "uid", "labels", "annotations",
                "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                "managedFields", "selfLink", "ownerReferences", "finalizers"), Set.of());
        String name = metadata.string("name");
        if (name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
            throw metadata.get("name").error("\"" + name + "\" is not a valid pod name: use lowercase letters, digits,"
                    + " '-' and '.', starting and ending with a letter or digit (e.g. web-1)");
        }
        String namespace = metadata.string("namespace", "default");
        label(metadata.has("namespace") ? metadata.get("namespace") : null, namespace);
        String uid = metadata.string("uid", UUID.randomUUID().toString());
        Map<String, String> labels = new LinkedHashMap<>();
        metadata.entries("labels").forEach((k, v) -> labels.put(k, v.text()));
        Map<String, String> annotations = new LinkedHashMap<>();
        metadata.entries("annotations").forEach((k, v) -> {
            if (!k.startsWith("podshim.io/")) {
                annotations.put(k, v.text()); // podshim's own say what is now (get -o yaml has them): not the applier's to set
            }
        });
        if (!root.has("spec")) {
            throw root.get("spec").error("required");
        }
        PodManifest.Spec spec = spec(root.get("spec"), name, namespace);
        return new PodManifest(name, namespace, uid, labels, annotations, spec, root.node().deepCopy());
    }

    /** As kubelet admits a pod: one for another OS than this node's is refused, naming the field. */
    private static void os(Field spec) {
        if (!spec.has("os")) {
            return;
        }
        Field os = spec.get("os").onlyKeys(Field.keys("name"), Set.of());
        String name = os.string("name");
        if (!name.equals("linux")) {
            throw os.get("name").error("\"" + name + "\": Pod was rejected (PodOSNotSupported): this node runs linux pods;"
                    + " set spec.os.name to linux, or run the pod on a " + name + " node");
        }
    }

    private static PodManifest.Spec spec(Field spec, String name, String namespace) {
        // What only a scheduler or the API server reads is taken as a kubelet takes it (nodeSelector and
        // required node affinity are checked against this node's labels, see NodeAdmission).
        spec.onlyKeys(Field.keys("initContainers", "containers", "volumes", "restartPolicy", "terminationGracePeriodSeconds",
                "activeDeadlineSeconds", "shareProcessNamespace", "hostNetwork", "hostPID", "hostIPC", "securityContext",
                "dnsPolicy", "dnsConfig", "hostAliases", "hostname", "subdomain", "setHostnameAsFQDN", "os", "affinity",
                "nodeSelector", "tolerations", "topologySpreadConstraints", "priorityClassName", "priority", "schedulerName",
                "schedulingGates", "nodeName", "serviceAccountName", "serviceAccount", "automountServiceAccountToken",
                "enableServiceLinks", "preemptionPolicy", "imagePullSecrets", "resources"), Field.keys("runtimeClassName", "overhead",
                "readinessGates", "ephemeralContainers", "resourceClaims", "hostUsers", "hostnameOverride"));
        os(spec);
        spec.list("imagePullSecrets", s -> s.onlyKeys(Field.keys("name"), Set.of()).string("name"));
        io.podshim.runtime.container.PodDns dns = dns(spec);
        List<io.podshim.runtime.container.HostAlias> aliases = spec.list("hostAliases", a -> {
            a.onlyKeys(Field.keys("ip", "hostnames"), Set.of());
            String ip = a.string("ip");
            if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+") || !ip.contains(".") && !ip.contains(":")) {
                throw a.get("ip").error("\"" + ip + "\" is not an IP address");
            }
            List<String> names = a.strings("hostnames");
            if (names == null || names.isEmpty()) {
                throw a.get("hostnames").error("required: at least one name for " + ip);
            }
            return new io.podshim.runtime.container.HostAlias(ip, names);
        });
        List<Volume> volumes = spec.list("volumes", v -> volume(v, name, namespace));
        Set<String> volumeNames = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            if (!volumeNames.add(volumes.get(i).name())) {
                throw PodException.invalid("spec.volumes[" + i + "].name", "\"" + volumes.get(i).name() + "\" is used by another volume");
            }
        }
        List<PodManifest.Container> init = spec.list("initContainers", f -> container(f, true, volumeNames));
        if (!spec.has("containers") || spec.list("containers", f -> f).isEmpty()) {
            throw spec.get("containers").error("required: a pod runs at least one container");
        }
        List<PodManifest.Container> containers = spec.list("containers", f -> container(f, false, volumeNames));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < init.size(); i++) {
            unique(names, init.get(i).name(), "spec.initContainers[" + i + "].name");
        }
        for (int i = 0; i < containers.size(); i++) {
            unique(names, containers.get(i).name(), "spec.containers[" + i + "].name");
        }
        resourceRefs(spec, names, volumes);
        if (Boolean.TRUE.equals(spec.bool("hostNetwork"))) {
            // The node's network has no port to map: as the API server requires, a hostPort is the containerPort.
            for (int i = 0; i < containers.size(); i++) {
                for (io.podshim.runtime.network.PortMapping p : containers.get(i).hostPorts()) {
                    if (p.hostPort() != p.containerPort()) {
                        throw PodException.invalid("spec.containers[" + i + "].ports", "hostPort " + p.hostPort() + " must be the"
                                + " containerPort (" + p.containerPort() + ") with hostNetwork");
                    }
                }
            }
        }
        RestartPolicy restart = spec.has("restartPolicy") ? RestartPolicy.parse(spec.get("restartPolicy")) : RestartPolicy.ALWAYS;
        Long grace = spec.nonNegative("terminationGracePeriodSeconds");
        Long deadline = spec.integer("activeDeadlineSeconds");
        if (deadline != null && deadline <= 0) {
            throw spec.get("activeDeadlineSeconds").error("must be a positive number of seconds");
        }
        PodManifest.PodSecurity security = spec.has("securityContext") ? podSecurity(spec.get("securityContext")) : PodManifest.PodSecurity.NONE;
        for (String sysctl : security.sysctls().keySet()) {
            boolean net = sysctl.startsWith("net.");
            if (net && Boolean.TRUE.equals(spec.bool("hostNetwork")) || !net && Boolean.TRUE.equals(spec.bool("hostIPC"))) {
                throw spec.get("securityContext").get("sysctls").error("\"" + sysctl + "\" would be the node's: a pod with host"
                        + (net ? "Network" : "IPC") + " may not set it");
            }
        }
        Boolean share = spec.bool("shareProcessNamespace");
        return new PodManifest.Spec(init, containers, volumes, restart, grace == null ? 30 : grace, deadline,
                share == null || share, Boolean.TRUE.equals(spec.bool("hostNetwork")), Boolean.TRUE.equals(spec.bool("hostPID")),
                Boolean.TRUE.equals(spec.bool("hostIPC")), security, dns, aliases, hostname(spec, name, namespace), podResources(spec, init, containers));
    }

    /**
     * The pod-level {@code spec.resources}, checked as the API server checks them: no container's
     * limit above the pod's, the containers' requests together within the pod's.
     */
    private static PodManifest.Resources podResources(Field spec, List<PodManifest.Container> init, List<PodManifest.Container> apps) {
        if (!spec.has("resources")) {
            return PodManifest.Resources.NONE;
        }
        Field f = spec.get("resources");
        PodManifest.Resources pod = resources(f);
        if (pod.ephemeralStorageRequestBytes() != null || pod.ephemeralStorageLimitBytes() != null) {
            throw f.error("pod-level resources are cpu, memory and pids: give ephemeral-storage to each container");
        }
        if (pod.pidsLimit() != null && pod.pidsLimit() < 1) {
            throw f.get("limits").get("pids").error("must be a positive number of processes");
        }
        List<PodManifest.Container> all = new java.util.ArrayList<>(init);
        all.addAll(apps);
        for (PodManifest.Container c : all) {
            if (pod.cpuLimitMilli() != null && c.resources().cpuLimitMilli() != null && c.resources().cpuLimitMilli() > pod.cpuLimitMilli()) {
                throw f.get("limits").get("cpu").error("container " + c.name() + "'s cpu limit is above the pod's: a container's limit must"
                        + " be at most the pod-level limit");
            }
            if (pod.memoryLimitBytes() != null && c.resources().memoryLimitBytes() != null
                    && c.resources().memoryLimitBytes() > pod.memoryLimitBytes()) {
                throw f.get("limits").get("memory").error("container " + c.name() + "'s memory limit is above the pod's: a container's"
                        + " limit must be at most the pod-level limit");
            }
        }
        long cpu = apps.stream().mapToLong(c -> c.resources().cpuRequestMilli() == null ? 0 : c.resources().cpuRequestMilli()).sum();
        long memory = apps.stream().mapToLong(c -> c.resources().memoryRequestBytes() == null ? 0 : c.resources().memoryRequestBytes()).sum();
        Long podCpu = pod.cpuRequestMilli() != null ? pod.cpuRequestMilli() : pod.cpuLimitMilli();
        Long podMemory = pod.memoryRequestBytes() != null ? pod.memoryRequestBytes() : pod.memoryLimitBytes();
        if (podCpu != null && cpu > podCpu) {
            throw f.get(pod.cpuRequestMilli() != null ? "requests" : "limits").get("cpu").error("is less than the containers' cpu requests"
                    + " together (" + cpu + "m): the pod-level request must cover them");
        }
        if (podMemory != null && memory > podMemory) {
            throw f.get(pod.memoryRequestBytes() != null ? "requests" : "limits").get("memory").error("is less than the containers' memory"
                    + " requests together (" + memory + " bytes): the pod-level request must cover them");
        }
        return pod;
    }

    /** Every resourceFieldRef's containerName, of env and of downward API files, is a container of the pod. */
    private static void resourceRefs(Field spec, Set<String> containers, List<Volume> volumes) {
        for (String list : List.of("initContainers", "containers")) {
            spec.list(list, c -> c.list("env", e -> {
                if (e.has("valueFrom") && e.get("valueFrom").has("resourceFieldRef")) {
                    Field ref = e.get("valueFrom").get("resourceFieldRef");
                    String name = ref.string("containerName", null);
                    if (name != null && !name.isEmpty() && !containers.contains(name)) {
                        throw ref.get("containerName").error("\"" + name + "\" is not a container of this pod");
                    }
                }
                return null;
            }));
        }
        for (int i = 0; i < volumes.size(); i++) {
            List<Volume.DownwardAPI> downward = new java.util.ArrayList<>();
            Volume.Source source = volumes.get(i).source();
            if (source instanceof Volume.DownwardAPI d) {
                downward.add(d);
            } else if (source instanceof Volume.Projected p) {
                p.sources().stream().filter(Volume.DownwardAPI.class::isInstance).forEach(d -> downward.add((Volume.DownwardAPI) d));
            }
            for (Volume.DownwardAPI d : downward) {
                for (Volume.DownwardFile f : d.items()) {
                    if (f.containerName() != null && !containers.contains(f.containerName())) {
                        throw PodException.invalid("spec.volumes[" + i + "]", "resourceFieldRef.containerName \"" + f.containerName()
                                + "\" (file " + f.path() + ") is not a container of this pod");
                    }
                }
            }
        }
    }

    /** hostname, subdomain and setHostnameAsFQDN, checked as the API server and kubelet check them. */
    private static io.podshim.runtime.container.PodHostname hostname(Field spec, String name, String namespace) {
        String hostname = io.podshim.pause.SandboxSpec.hostnameOf(name);
        if (spec.has("hostname")) {
            hostname = spec.string("hostname");
            label(spec.get("hostname"), hostname);
        }
        String domain = null;
        if (spec.has("subdomain")) {
            String subdomain = spec.string("subdomain");
            label(spec.get("subdomain"), subdomain);
            domain = subdomain + "." + namespace + ".svc." + io.podshim.runtime.container.PodHostname.CLUSTER_DOMAIN;
        }
        io.podshim.runtime.container.PodHostname names = new io.podshim.runtime.container.PodHostname(hostname, domain,
                Boolean.TRUE.equals(spec.bool("setHostnameAsFQDN")));
        // The kernel holds at most 64 bytes of hostname; kubelet refuses the pod's sandbox past that.
        if (names.kernelHostname().length() > 64) {
            throw spec.get("setHostnameAsFQDN").error("the FQDN " + names.fqdn() + " is " + names.kernelHostname().length()
                    + " characters long, more than a hostname can hold (64): shorten hostname or subdomain, or set false");
        }
        return names;
    }

    /** dnsPolicy (ClusterFirst by default, as the API server defaults it) and dnsConfig, checked as the API server checks them. */
    private static io.podshim.runtime.container.PodDns dns(Field spec) {
        String policy = spec.string("dnsPolicy", "ClusterFirst");
        if (!Set.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None").contains(policy)) {
            throw spec.get("dnsPolicy").error("\"" + policy + "\" is not a DNS policy: use ClusterFirst, ClusterFirstWithHostNet,"
                    + " Default or None");
        }
        if (!spec.has("dnsConfig")) {
            if (policy.equals("None")) {
                throw spec.get("dnsPolicy").error("None needs a dnsConfig with at least one nameserver");
            }
            return new io.podshim.runtime.container.PodDns(policy, List.of(), List.of(), Map.of());
        }
        Field config = spec.get("dnsConfig");
        config.onlyKeys(Field.keys("nameservers", "searches", "options"), Set.of());
        List<String> servers = config.has("nameservers") ? config.strings("nameservers") : List.of();
        List<String> searches = config.has("searches") ? config.strings("searches") : List.of();
        if (servers.size() > 3) {
            throw config.get("nameservers").error("at most 3 nameservers (the resolver reads no more)");
        }
        if (policy.equals("None") && servers.isEmpty()) {
            throw config.get("nameservers").error("required: dnsPolicy None needs at least one nameserver");
        }
        if (searches.size() > 32) {
            throw config.get("searches").error("at most 32 search domains");
        }
        Map<String, String> options = new LinkedHashMap<>();
        config.list("options", o -> {
            o.onlyKeys(Field.keys("name", "value"), Set.of());
            options.put(o.string("name"), o.string("value", null));
            return null;
        });
        return new io.podshim.runtime.container.PodDns(policy, servers, searches, options);
    }

    /** An ephemeral container to add to a running pod, and the container whose processes it is to see (or null). */
    public record Ephemeral(PodManifest.Container container, String targetContainerName) {}

    /** What an ephemeral container may not have, as the API server refuses it. */
    private static final Set<String> NOT_EPHEMERAL = Field.keys("ports", "livenessProbe", "readinessProbe", "startupProbe",
            "lifecycle", "resources", "restartPolicy", "restartPolicyRules");

    /**
     * An EphemeralContainer (YAML or JSON) for {@code pod}: a container without ports, probes,
     * lifecycle hooks or resources, its volume mounts among the pod's volumes, checked as the
     * ephemeralcontainers subresource checks it.
     */
    public static Ephemeral ephemeralContainer(String text, PodManifest pod) {
        JsonNode node;
        try {
            node = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw PodException.invalid("the ephemeral container is not valid YAML or JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw PodException.invalid("give one ephemeral container: {name: …, image: …}");
        }
        Field c = new Field(node, "spec.ephemeralContainers");
        for (String key : NOT_EPHEMERAL) {
            if (c.has(key)) {
                throw c.get(key).error("is not allowed for ephemeral containers");
            }
        }
        String target = c.has("targetContainerName") ? c.string("targetContainerName") : null;
        ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove("targetContainerName");
        Set<String> volumes = new HashSet<>();
        pod.spec().volumes().forEach(v -> volumes.add(v.name()));
        return new Ephemeral(container(c, false, volumes), target);
    }

    /** A container's resources: pids is the pod's alone (Kubernetes' per-pod pid limit). */
    private static PodManifest.Resources containerResources(Field r) {
        PodManifest.Resources read = resources(r);
        if (read.pidsLimit() != null) {
            throw r.get("limits").get("pids").error("is a pod-level limit: set it in spec.resources.limits.pids");
        }
        return read;
    }

    private static PodManifest.Container container(Field c, boolean init, Set<String> volumes) {
        c.onlyKeys(CONTAINER_KEYS, CONTAINER_LATER);
        String name = c.string("name");
        label(c.get("name"), name);
        boolean sidecar = false;
        RestartPolicy restartPolicy = null;
        if (c.has("restartPolicy")) {
            if (init && !"Always".equals(c.get("restartPolicy").text())) {
                throw c.get("restartPolicy").error("an init container's restartPolicy can only be Always (a sidecar)");
            }
            // An app container's own policy overrides the pod's (Kubernetes 1.35, KEP-5307).
            restartPolicy = RestartPolicy.parse(c.get("restartPolicy"));
            sidecar = init;
        }
        List<RestartRule> rules = restartRules(c, init, restartPolicy);
        String image = c.string("image");
        io.podshim.runtime.image.registry.ImageReference ref;
        try {
            ref = io.podshim.runtime.image.registry.ImageReference.parse(image);
        } catch (io.podshim.runtime.PodException e) {
            throw c.get("image").error("InvalidImageName: " + e.getMessage());
        }
        // Defaulted as the API server defaults it: Always for :latest (said or implied), else IfNotPresent.
        String pull = c.string("imagePullPolicy", "latest".equals(ref.tag()) && ref.digest() == null ? "Always" : "IfNotPresent");
        if (!Set.of("Always", "IfNotPresent", "Never").contains(pull)) {
            throw c.get("imagePullPolicy").error("\"" + pull + "\" is not a pull policy: use Always, IfNotPresent or Never");
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        List<io.podshim.runtime.network.PortMapping> hostPorts = new java.util.ArrayList<>();
        c.list("ports", p -> {
            p.onlyKeys(Field.keys("name", "containerPort", "protocol", "hostPort", "hostIP"), Set.of());
            Long number = p.integer("containerPort");
            if (number == null || number < 1 || number > 65535) {
                throw p.get("containerPort").error("required: a port number, 1-65535");
            }
            if (p.has("name") && ports.put(p.string("name"), number.intValue()) != null) {
                throw p.get("name").error("\"" + p.string("name") + "\" names another port of this container too");
            }
            String protocol = p.string("protocol", "TCP");
            if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
                throw p.get("protocol").error("\"" + protocol + "\": podshim publishes TCP and UDP ports");
            }
            Long hostPort = p.integer("hostPort");
            if (hostPort != null) {
                if (hostPort < 1 || hostPort > 65535) {
                    throw p.get("hostPort").error("must be a port number, 1-65535");
                }
                hostPorts.add(new io.podshim.runtime.network.PortMapping(hostPort.intValue(), number.intValue(),
                        protocol.toLowerCase(java.util.Locale.ROOT), p.string("hostIP", "")));
            } else if (p.has("hostIP")) {
                throw p.get("hostIP").error("needs a hostPort to listen on");
            }
            return null;
        });
        for (String key : List.of("startupProbe", "livenessProbe", "readinessProbe", "lifecycle")) {
            if (init && !sidecar && c.has(key)) {
                throw c.get(key).error("may not be set for init containers without restartPolicy: Always (it would never"
                        + " be acted on: an init container runs to completion)");
            }
        }
        List<EnvVar> env = c.list("env", ManifestReader::envVar);
        List<EnvFromSource> envFrom = c.list("envFrom", ManifestReader::envFrom);
        List<VolumeMount> mounts = c.list("volumeMounts", m -> {
            m.onlyKeys(Field.keys("name", "mountPath", "readOnly", "subPath"), Field.keys("mountPropagation", "subPathExpr",
                    "recursiveReadOnly"));
            String volume = m.string("name");
            if (!volumes.contains(volume)) {
                throw m.get("name").error("no volume named \"" + volume + "\" in spec.volumes");
            }
            String path = m.string("mountPath");
            if (!path.startsWith("/")) {
                throw m.get("mountPath").error("\"" + path + "\" must be an absolute path");
            }
            return new VolumeMount(volume, path, Boolean.TRUE.equals(m.bool("readOnly")), m.string("subPath", null));
        });
        return new PodManifest.Container(name, image, c.strings("command"), c.strings("args"), env, envFrom,
                c.string("workingDir", null), c.has("resources") ? containerResources(c.get("resources")) : PodManifest.Resources.NONE,
                mounts, c.has("securityContext") ? security(c.get("securityContext")) : PodManifest.ContainerSecurity.NONE,
                sidecar, init ? null : restartPolicy, rules, pull, c.has("startupProbe") ? ProbeReader.probe(c.get("startupProbe"), "startupProbe", ports) : null,
                c.has("livenessProbe") ? ProbeReader.probe(c.get("livenessProbe"), "livenessProbe", ports) : null,
                c.has("readinessProbe") ? ProbeReader.probe(c.get("readinessProbe"), "readinessProbe", ports) : null,
                c.has("lifecycle") ? ProbeReader.lifecycle(c.get("lifecycle"), ports) : io.podshim.runtime.probe.Lifecycle.NONE,
                hostPorts, Boolean.TRUE.equals(c.bool("stdin")), Boolean.TRUE.equals(c.bool("stdinOnce")),
                Boolean.TRUE.equals(c.bool("tty")));
    }

    private static EnvVar envVar(Field e) {
        e.onlyKeys(Field.keys("name", "value", "valueFrom"), Set.of());
        String name = e.string("name");
        if (name.contains("=")) {
            throw e.get("name").error("\"" + name + "\" is not a valid variable name: it may not contain '='");
        }
        if (!e.has("valueFrom")) {
            return EnvVar.literal(name, e.string("value", ""));
        }
        if (e.has("value") && !e.get("value").text().isEmpty()) {
            throw e.get("valueFrom").error("may not be given with a non-empty value");
        }
        Field from = e.get("valueFrom").onlyKeys(Field.keys("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"),
                Field.keys("fileKeyRef"));
        long given = java.util.stream.Stream.of("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef").filter(from::has).count();
        if (given != 1) {
            throw from.error("give exactly one of fieldRef, resourceFieldRef, configMapKeyRef and secretKeyRef");
        }
        if (from.has("fieldRef")) {
            return new EnvVar(name, null, new EnvVar.ValueFrom(fieldPath(from.get("fieldRef"), ENV_FIELDS, true), null, null, null));
        }
        if (from.has("resourceFieldRef")) {
            return new EnvVar(name, null, new EnvVar.ValueFrom(null, resourceRef(from.get("resourceFieldRef"), false), null, null));
        }
        boolean secret = from.has("secretKeyRef");
        Field ref = from.get(secret ? "secretKeyRef" : "configMapKeyRef").onlyKeys(Field.keys("name", "key", "optional"), Set.of());
        String object = ref.string("name");
        dataKey(ref.get("key"), ref.string("key"));
        EnvVar.KeyRef key = new EnvVar.KeyRef(object, ref.string("key"), Boolean.TRUE.equals(ref.bool("optional")));
        return new EnvVar(name, null, new EnvVar.ValueFrom(null, null, secret ? null : key, secret ? key : null));
    }

    private static EnvFromSource envFrom(Field f) {
        f.onlyKeys(Field.keys("prefix", "configMapRef", "secretRef"), Set.of());
        if (f.has("configMapRef") == f.has("secretRef")) {
            throw f.error("give exactly one of configMapRef and secretRef");
        }
        boolean secret = f.has("secretRef");
        Field ref = f.get(secret ? "secretRef" : "configMapRef").onlyKeys(Field.keys("name", "optional"), Set.of());
        String prefix = f.string("prefix", "");
        if (prefix.contains("=")) {
            throw f.get("prefix").error("may not contain '='");
        }
        return new EnvFromSource(prefix, secret ? null : ref.string("name"), secret ? ref.string("name") : null,
                Boolean.TRUE.equals(ref.bool("optional")));
    }

    /** A fieldRef's fieldPath, one of {@code allowed} or a single label or annotation (apiVersion v1 only). */
    private static String fieldPath(Field ref, Set<String> allowed, boolean env) {
        ref.onlyKeys(Field.keys("fieldPath", "apiVersion"), Set.of());
        String apiVersion = ref.string("apiVersion", "v1");
        if (!apiVersion.equals("v1")) {
            throw ref.get("apiVersion").error("\"" + apiVersion + "\" is not supported: use v1");
        }
        String path = ref.string("fieldPath");
        java.util.regex.Matcher subscript = SUBSCRIPT.matcher(path);
        if (subscript.matches()) {
            return path;
        }
        if (!allowed.contains(path)) {
            throw ref.get("fieldPath").error("\"" + path + "\" is not supported" + (env ? "" : " in a downward API volume")
                    + ": use one of " + new java.util.TreeSet<>(allowed) + ", metadata.labels['KEY'] or metadata.annotations['KEY']");
        }
        return path;
    }

    /** A resourceFieldRef; a volume's must name its container. */
    private static EnvVar.ResourceRef resourceRef(Field ref, boolean volume) {
        ref.onlyKeys(Field.keys("containerName", "resource", "divisor"), Set.of());
        String resource = ref.string("resource");
        if (!RESOURCES.contains(resource)) {
            throw ref.get("resource").error("\"" + resource + "\" is not supported: use one of " + new java.util.TreeSet<>(RESOURCES));
        }
        String container = volume ? ref.string("containerName") : ref.string("containerName", null);
        String divisor = ref.has("divisor") ? ref.get("divisor").quantityText() : "1";
        Set<String> divisors = resource.endsWith(".cpu") ? Set.of("1m", "1")
                : Set.of("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei");
        if (!divisors.contains(divisor)) {
            throw ref.get("divisor").error("\"" + divisor + "\" is not a divisor for " + resource + ": use one of "
                    + new java.util.TreeSet<>(divisors));
        }
        return new EnvVar.ResourceRef(container, resource, divisor);
    }

    /** A ConfigMap or Secret key as the API server allows it: letters, digits, '-', '_' and '.', not "." or "..", at most 253. */
    static void dataKey(Field at, String key) {
        if (key.length() > 253 || !DATA_KEY.matcher(key).matches() || key.equals(".") || key.equals("..")) {
            throw at.error("\"" + key + "\" is not a valid key: use letters, digits, '-', '_' and '.' (at most 253; not . or ..)");
        }
    }

    /** A file mode: 0 to 0777; YAML writes it in octal (0644) or decimal (420). */
    private static Integer mode(Field f, String key) {
        Long mode = f.integer(key);
        if (mode != null && (mode < 0 || mode > 0777)) {
            throw f.get(key).error(mode + " is not a file mode: give a number from 0 to 0777 (octal), both inclusive");
        }
        return mode == null ? null : mode.intValue();
    }

    /** A path in a volume: relative, no '..' element, not starting with '..' (the volume's own links are there). */
    private static String volumePath(Field f, String key) {
        String path = f.string(key);
        if (path.startsWith("/") || path.startsWith("..") || List.of(path.split("/")).contains("..")) {
            throw f.get(key).error("\"" + path + "\" must be a relative path without '..' and not starting with '..'");
        }
        return path;
    }

    private static List<Volume.KeyToPath> items(Field source) {
        Set<String> paths = new HashSet<>();
        return source.list("items", i -> {
            i.onlyKeys(Field.keys("key", "path", "mode"), Set.of());
            String key = i.string("key");
            dataKey(i.get("key"), key);
            String path = volumePath(i, "path");
            if (!paths.add(path)) {
                throw i.get("path").error("\"" + path + "\" is given to another item too");
            }
            return new Volume.KeyToPath(key, path, mode(i, "mode"));
        });
    }

    private static Volume.ConfigMap configMapSource(Field f, boolean projected) {
        f.onlyKeys(projected ? Field.keys("name", "items", "optional") : Field.keys("name", "items", "optional", "defaultMode"), Set.of());
        return new Volume.ConfigMap(f.string("name"), items(f), projected ? null : mode(f, "defaultMode"),
                Boolean.TRUE.equals(f.bool("optional")));
    }

    private static Volume.Secret secretSource(Field f, boolean projected) {
        String nameKey = projected ? "name" : "secretName";
        f.onlyKeys(projected ? Field.keys("name", "items", "optional") : Field.keys("secretName", "items", "optional", "defaultMode"),
                Set.of());
        return new Volume.Secret(f.string(nameKey), items(f), projected ? null : mode(f, "defaultMode"),
                Boolean.TRUE.equals(f.bool("optional")));
    }

    private static Volume.DownwardAPI downwardSource(Field f, boolean projected) {
        f.onlyKeys(projected ? Field.keys("items") : Field.keys("items", "defaultMode"), Set.of());
        Set<String> paths = new HashSet<>();
        List<Volume.DownwardFile> files = f.list("items", i -> {
            i.onlyKeys(Field.keys("path", "fieldRef", "resourceFieldRef", "mode"), Set.of());
            String path = volumePath(i, "path");
            if (!paths.add(path)) {
                throw i.get("path").error("\"" + path + "\" is given to another item too");
            }
            if (i.has("fieldRef") == i.has("resourceFieldRef")) {
                throw i.error("give exactly one of fieldRef and resourceFieldRef");
            }
            if (i.has("fieldRef")) {
                return new Volume.DownwardFile(path, fieldPath(i.get("fieldRef"), FILE_FIELDS, false), null, null, null, mode(i, "mode"));
            }
            EnvVar.ResourceRef r = resourceRef(i.get("resourceFieldRef"), true);
            return new Volume.DownwardFile(path, null, r.containerName(), r.resource(), r.divisor(), mode(i, "mode"));
        });
        return new Volume.DownwardAPI(files, projected ? null : mode(f, "defaultMode"));
    }

    private static Volume.Projected projected(Field f) {
        f.onlyKeys(Field.keys("sources", "defaultMode"), Set.of());
        List<Volume.Projection> sources = f.list("sources", s -> {
            for (String issued : List.of("serviceAccountToken", "clusterTrustBundle", "podCertificate")) {
                if (s.has(issued)) {
                    // What the API server issues to the pod: podshim, a node alone, has none to ask.
                    throw s.get(issued).error("is issued by a Kubernetes API server, which a podshim node does not have: remove this"
                            + " source, or give the pod a Secret with what it needs");
                }
            }
            s.onlyKeys(Field.keys("configMap", "secret", "downwardAPI"), Set.of());
            if (s.node().size() != 1) {
                throw s.error("give exactly one of configMap, secret and downwardAPI");
            }
            if (s.has("configMap")) {
                return configMapSource(s.get("configMap"), true);
            }
            if (s.has("secret")) {
                return secretSource(s.get("secret"), true);
            }
            return downwardSource(s.get("downwardAPI"), true);
        });
        return new Volume.Projected(sources, mode(f, "defaultMode"));
    }

    /** restartPolicyRules (KEP-5307): only on an app container that sets its own restartPolicy, at most 20. */
    private static List<RestartRule> restartRules(Field c, boolean init, RestartPolicy restartPolicy) {
        if (!c.has("restartPolicyRules")) {
            return List.of();
        }
        if (init) {
            throw c.get("restartPolicyRules").error("is not supported by podshim on init containers yet: remove it to run this pod here");
        }
        if (restartPolicy == null) {
            throw c.get("restartPolicyRules").error("needs the container's own restartPolicy, set explicitly even if it is the pod's");
        }
        List<RestartRule> rules = c.list("restartPolicyRules", r -> {
            r.onlyKeys(Field.keys("action", "exitCodes"), Set.of());
            if (!"Restart".equals(r.string("action"))) {
                throw r.get("action").error("\"" + r.string("action") + "\" is not an action: the only one is Restart");
            }
            if (!r.has("exitCodes")) {
                throw r.get("exitCodes").error("required: which exit codes the rule is for ({operator: In, values: [42]})");
            }
            Field codes = r.get("exitCodes");
            codes.onlyKeys(Field.keys("operator", "values"), Set.of());
            String operator = codes.string("operator");
            if (!operator.equals("In") && !operator.equals("NotIn")) {
                throw codes.get("operator").error("\"" + operator + "\" is not an operator: use In or NotIn");
            }
            List<Integer> values = codes.list("values", v -> {
                Long value = v.integerOrNull();
                if (value == null || value < 0 || value > 255) {
                    throw v.error("an exit code is a whole number from 0 to 255");
                }
                return value.intValue();
            });
            if (values.size() > 255) {
                throw codes.get("values").error("at most 255 exit codes");
            }
            return new RestartRule(operator.equals("In"), Set.copyOf(values));
        });
        if (rules.size() > 20) {
            throw c.get("restartPolicyRules").error("at most 20 rules");
        }
        return rules;
    }

    private static PodManifest.Resources resources(Field r) {
        r.onlyKeys(Field.keys("requests", "limits"), Field.keys("claims"));
        Map<String, Long> requests = quantities(r, "requests");
        Map<String, Long> limits = quantities(r, "limits");
        for (String resource : List.of("cpu", "memory", "ephemeral-storage")) {
            Long request = requests.get(resource);
            Long limit = limits.get(resource);
            if (request != null && limit != null && request > limit) {
                throw r.get("requests").get(resource).error("must not exceed the limit (" + r.get("limits").get(resource)
                        .quantityText() + ")");
            }
        }
        if (requests.containsKey("pids")) {
            throw r.get("requests").get("pids").error("pids has a limit only");
        }
        return new PodManifest.Resources(requests.get("cpu"), limits.get("cpu"), requests.get("memory"), limits.get("memory"),
                requests.get("ephemeral-storage"), limits.get("ephemeral-storage"), limits.get("pids"));
    }

    private static Map<String, Long> quantities(Field r, String key) {
        Map<String, Long> values = new LinkedHashMap<>();
        r.entries(key).forEach((resource, f) -> {
            if (!Set.of("cpu", "memory", "ephemeral-storage", "pids").contains(resource)) {
                throw f.error("podshim limits cpu, memory and ephemeral-storage only (and a pod's pids); remove \"" + resource + "\"");
            }
            values.put(resource, quantity(f, resource.equals("cpu")));
        });
        return values;
    }

    /** A quantity field in millis (CPU) or whole units (bytes), its errors naming the field. */
    private static long quantity(Field f, boolean milli) {
        try {
            Quantity q = Quantity.parse(f.path(), f.quantityText());
            return milli ? q.milli(f.path()) : q.whole(f.path());
        } catch (CgroupException e) {
            throw PodException.invalid(e.getMessage());
        }
    }

    private static PodManifest.ContainerSecurity security(Field s) {
        s.onlyKeys(Field.keys("privileged", "capabilities", "runAsUser", "runAsGroup", "runAsNonRoot",
                "readOnlyRootFilesystem", "allowPrivilegeEscalation", "seccompProfile", "seLinuxOptions", "procMount", "appArmorProfile"),
                Field.keys("windowsOptions"));
        confinement(s);
        if (s.has("procMount") && !s.string("procMount").equals("Default")) {
            throw s.get("procMount").error("\"" + s.string("procMount") + "\" is not supported: podshim masks /proc as Default does");
        }
        List<String> add = List.of();
        List<String> drop = List.of();
        if (s.has("capabilities")) {
            Field caps = s.get("capabilities").onlyKeys(Field.keys("add", "drop"), Set.of());
            add = caps.list("add", Field::text);
            drop = caps.list("drop", Field::text);
        }
        return new PodManifest.ContainerSecurity(Boolean.TRUE.equals(s.bool("privileged")), add, drop,
                s.nonNegative("runAsUser"), s.nonNegative("runAsGroup"), s.bool("runAsNonRoot"),
                Boolean.TRUE.equals(s.bool("readOnlyRootFilesystem")), s.bool("allowPrivilegeEscalation"));
    }

    /**
     * What a securityContext asks of confinement, taken only where podshim does what it says:
     * seccompProfile and appArmorProfile Unconfined (podshim installs no seccomp filter and applies
     * no AppArmor profile yet, so RuntimeDefault and Localhost are refused rather than ignored), and seLinuxOptions on a node without SELinux,
     * where a CRI runtime ignores them too.
     */
    private static void confinement(Field s) {
        if (s.has("seccompProfile")) {
            Field p = s.get("seccompProfile").onlyKeys(Field.keys("type", "localhostProfile"), Set.of());
            String type = p.string("type");
            if (!Set.of("RuntimeDefault", "Unconfined", "Localhost").contains(type)) {
                throw p.get("type").error("\"" + type + "\" is not a seccomp profile type: use RuntimeDefault, Unconfined or Localhost");
            }
            if (!type.equals("Unconfined")) {
                throw p.get("type").error(type + " is not supported by podshim yet: it installs no seccomp filter; use Unconfined,"
                        + " or remove seccompProfile, to run this pod here");
            }
        }
        if (s.has("appArmorProfile")) {
            Field p = s.get("appArmorProfile").onlyKeys(Field.keys("type", "localhostProfile"), Set.of());
            String type = p.string("type");
            if (!Set.of("RuntimeDefault", "Unconfined", "Localhost").contains(type)) {
                throw p.get("type").error("\"" + type + "\" is not an AppArmor profile type: use RuntimeDefault, Unconfined or Localhost");
            }
            if (!type.equals("Unconfined")) {
                throw p.get("type").error(type + " is not supported by podshim yet: it applies no AppArmor profile; use Unconfined,"
                        + " or remove appArmorProfile, to run this pod here");
            }
        }
        if (s.has("seLinuxOptions")) {
            s.get("seLinuxOptions").onlyKeys(Field.keys("user", "role", "type", "level"), Set.of());
        }
        if (s.has("seLinuxOptions") && java.nio.file.Files.exists(java.nio.file.Path.of("/sys/fs/selinux/enforce"))) {
            throw s.get("seLinuxOptions").error("is not supported by podshim on a node with SELinux: remove it to run this pod here");
        }
    }

    private static PodManifest.PodSecurity podSecurity(Field s) {
        s.onlyKeys(Field.keys("runAsUser", "runAsGroup", "runAsNonRoot", "supplementalGroups", "fsGroup", "fsGroupChangePolicy",
                "seccompProfile", "seLinuxOptions", "sysctls", "appArmorProfile"), Field.keys("windowsOptions", "supplementalGroupsPolicy"));
        confinement(s);
        List<Long> groups = s.list("supplementalGroups", Field::wholeNumber);
        String policy = s.string("fsGroupChangePolicy", null);
        if (policy != null && !policy.equals("Always") && !policy.equals("OnRootMismatch")) {
            throw s.get("fsGroupChangePolicy").error("\"" + policy + "\" is not a policy: use Always or OnRootMismatch");
        }
        Map<String, String> sysctls = new LinkedHashMap<>();
        s.list("sysctls", f -> {
            f.onlyKeys(Field.keys("name", "value"), Set.of());
            String name = f.string("name").replace('/', '.');
            if (!SAFE_SYSCTLS.contains(name)) {
                throw f.get("name").error("SysctlForbidden: \"" + name + "\" is not one of the safe sysctls a node allows a pod to set "
                        + new java.util.TreeSet<>(SAFE_SYSCTLS));
            }
            if (sysctls.put(name, f.string("value", "")) != null) {
                throw f.get("name").error("\"" + name + "\" is set twice");
            }
            return null;
        });
        return new PodManifest.PodSecurity(s.nonNegative("runAsUser"), s.nonNegative("runAsGroup"),
                Boolean.TRUE.equals(s.bool("runAsNonRoot")), groups, s.nonNegative("fsGroup"), policy, sysctls);
    }

    private static Volume volume(Field v, String pod, String namespace) {
        v.onlyKeys(Field.keys("name", "emptyDir", "hostPath", "configMap", "secret", "persistentVolumeClaim", "projected",
                "downwardAPI", "image", "ephemeral"), Field.keys("nfs", "csi", "gitRepo", "iscsi", "rbd", "cephfs", "flexVolume",
                "fc", "azureFile", "azureDisk", "vsphereVolume", "quobyte", "portworxVolume", "scaleIO", "storageos", "glusterfs",
                "photonPersistentDisk", "awsElasticBlockStore", "gcePersistentDisk", "cinder", "flocker"));
        String name = v.string("name");
        label(v.get("name"), name);
        List<String> sources = new java.util.ArrayList<>();
        v.node().fieldNames().forEachRemaining(k -> {
            if (!k.equals("name")) {
                sources.add(k);
            }
        });
        if (sources.size() > 1) {
            throw v.error("may not have more than one volume type (it has " + String.join(", ", sources) + ")");
        }
        if (v.has("emptyDir")) {
            Field e = v.get("emptyDir").onlyKeys(Field.keys("medium", "sizeLimit"), Set.of());
            Long size = null;
            if (e.has("sizeLimit")) {
                size = quantity(e.get("sizeLimit"), false);
            }
            String medium = e.string("medium", "");
            if (!Set.of("", "Memory").contains(medium)) {
                throw e.get("medium").error("\"" + medium + "\" is not supported: use \"\" (node disk) or \"Memory\"");
            }
            return new Volume(name, new Volume.EmptyDir(medium, size));
        }
        if (v.has("hostPath")) {
            Field h = v.get("hostPath").onlyKeys(Field.keys("path", "type"), Set.of());
            return new Volume(name, new Volume.HostPath(h.string("path"), h.string("type", "")));
        }
        if (v.has("configMap")) {
            return new Volume(name, configMapSource(v.get("configMap"), false));
        }
        if (v.has("secret")) {
            return new Volume(name, secretSource(v.get("secret"), false));
        }
        if (v.has("downwardAPI")) {
            return new Volume(name, downwardSource(v.get("downwardAPI"), false));
        }
        if (v.has("projected")) {
            return new Volume(name, projected(v.get("projected")));
        }
        if (v.has("ephemeral")) {
            Field e = v.get("ephemeral").onlyKeys(Field.keys("volumeClaimTemplate"), Set.of());
            if (!e.has("volumeClaimTemplate")) {
                throw e.get("volumeClaimTemplate").error("required: the claim to make for the pod (its spec)");
            }
            // Checked as the claim it makes will be: a PersistentVolumeClaim named <pod>-<volume>.
            ObjectReader.claimOfTemplate(e.get("volumeClaimTemplate"), pod + "-" + name, namespace);
            return new Volume(name, new Volume.Claim(pod + "-" + name, false, true));
        }
        if (v.has("image")) {
            Field i = v.get("image").onlyKeys(Field.keys("reference", "pullPolicy"), Set.of());
            String reference = i.string("reference");
            io.podshim.runtime.image.registry.ImageReference ref;
            try {
                ref = io.podshim.runtime.image.registry.ImageReference.parse(reference);
            } catch (PodException e) {
                throw i.get("reference").error("InvalidImageName: " + e.getMessage());
            }
            String pull = i.string("pullPolicy", "latest".equals(ref.tag()) && ref.digest() == null ? "Always" : "IfNotPresent");
            if (!Set.of("Always", "IfNotPresent", "Never").contains(pull)) {
                throw i.get("pullPolicy").error("\"" + pull + "\" is not a pull policy: use Always, IfNotPresent or Never");
            }
            return new Volume(name, new Volume.Image(reference, pull));
        }
        if (v.has("persistentVolumeClaim")) {
            Field c = v.get("persistentVolumeClaim").onlyKeys(Field.keys("claimName", "readOnly"), Set.of());
            String claim = c.string("claimName");
            if (claim.length() > 253 || !SUBDOMAIN.matcher(claim).matches()) {
                throw c.get("claimName").error("\"" + claim + "\" is not a valid claim name");
            }
            return new Volume(name, new Volume.Claim(claim, Boolean.TRUE.equals(c.bool("readOnly"))));
        }
        return new Volume(name, new Volume.EmptyDir("", null)); // no source: an emptyDir, as the API server defaults it
    }

    private static void label(Field field, String value) {
        if (!DNS_LABEL.matcher(value).matches()) {
            throw (field == null ? new Field(null, "metadata.namespace") : field).error("\"" + value + "\" is not a valid name:"
                    + " use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
        }
    }

    private static void unique(Set<String> names, String name, String field) {
        if (!names.add(name)) {
            throw PodException.invalid(field, "\"" + name + "\" is used by another container; names must be unique across"
                    + " initContainers and containers");
        }
    }
}
