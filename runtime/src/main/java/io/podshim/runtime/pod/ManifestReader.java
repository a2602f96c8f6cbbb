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
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private static final Set<String> CONTAINER_KEYS = Field.keys("name", "image", "command", "args", "env", "workingDir",
            "resources", "volumeMounts", "securityContext", "restartPolicy", "imagePullPolicy", "ports",
            "terminationMessagePath", "terminationMessagePolicy", "livenessProbe", "readinessProbe", "startupProbe",
            "lifecycle", "restartPolicyRules", "stdin", "stdinOnce", "tty", "resizePolicy");
    private static final Set<String> CONTAINER_LATER = Field.keys("envFrom", "volumeDevices");

    private ManifestReader() {}

    public static PodManifest read(String text) {
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
        if (documents.size() != 1) {
            throw PodException.invalid("the manifest holds " + documents.size() + " documents: give exactly one Pod");
        }
        return pod(new Field(documents.get(0), ""));
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
                "enableServiceLinks", "preemptionPolicy", "imagePullSecrets"), Field.keys("runtimeClassName", "overhead",
                "readinessGates", "ephemeralContainers", "resourceClaims", "resources", "hostUsers", "hostnameOverride"));
        os(spec);
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
        List<Volume> volumes = spec.list("volumes", ManifestReader::volume);
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
        Boolean share = spec.bool("shareProcessNamespace");
        return new PodManifest.Spec(init, containers, volumes, restart, grace == null ? 30 : grace, deadline,
                share == null || share, Boolean.TRUE.equals(spec.bool("hostNetwork")), Boolean.TRUE.equals(spec.bool("hostPID")),
                Boolean.TRUE.equals(spec.bool("hostIPC")), spec.has("securityContext") ? podSecurity(spec.get("securityContext"))
                        : PodManifest.PodSecurity.NONE, dns, aliases, hostname(spec, name, namespace));
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
        Map<String, String> env = new LinkedHashMap<>();
        c.list("env", e -> {
            e.onlyKeys(Field.keys("name", "value"), Field.keys("valueFrom"));
            env.put(e.string("name"), e.string("value", ""));
            return null;
        });
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
        return new PodManifest.Container(name, image, c.strings("command"), c.strings("args"), Map.copyOf(env),
                c.string("workingDir", null), c.has("resources") ? resources(c.get("resources")) : PodManifest.Resources.NONE,
                mounts, c.has("securityContext") ? security(c.get("securityContext")) : PodManifest.ContainerSecurity.NONE,
                sidecar, init ? null : restartPolicy, rules, pull, c.has("startupProbe") ? ProbeReader.probe(c.get("startupProbe"), "startupProbe", ports) : null,
                c.has("livenessProbe") ? ProbeReader.probe(c.get("livenessProbe"), "livenessProbe", ports) : null,
                c.has("readinessProbe") ? ProbeReader.probe(c.get("readinessProbe"), "readinessProbe", ports) : null,
                c.has("lifecycle") ? ProbeReader.lifecycle(c.get("lifecycle"), ports) : io.podshim.runtime.probe.Lifecycle.NONE,
                hostPorts, Boolean.TRUE.equals(c.bool("stdin")), Boolean.TRUE.equals(c.bool("stdinOnce")),
                Boolean.TRUE.equals(c.bool("tty")));
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
        for (String resource : List.of("cpu", "memory")) {
            Long request = requests.get(resource);
            Long limit = limits.get(resource);
            if (request != null && limit != null && request > limit) {
                throw r.get("requests").get(resource).error("must not exceed the limit (" + r.get("limits").get(resource)
                        .quantityText() + ")");
            }
        }
        return new PodManifest.Resources(requests.get("cpu"), limits.get("cpu"), requests.get("memory"), limits.get("memory"));
    }

    private static Map<String, Long> quantities(Field r, String key) {
        Map<String, Long> values = new LinkedHashMap<>();
        r.entries(key).forEach((resource, f) -> {
            if (!Set.of("cpu", "memory").contains(resource)) {
                throw f.error("podshim limits cpu and memory only; remove \"" + resource + "\"");
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
                "readOnlyRootFilesystem", "allowPrivilegeEscalation"), Field.keys("seLinuxOptions", "seccompProfile",
                "appArmorProfile", "procMount", "windowsOptions"));
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

    private static PodManifest.PodSecurity podSecurity(Field s) {
        s.onlyKeys(Field.keys("runAsUser", "runAsGroup", "runAsNonRoot", "supplementalGroups", "fsGroup"),
                Field.keys("seLinuxOptions", "seccompProfile", "appArmorProfile", "sysctls", "windowsOptions",
                        "fsGroupChangePolicy", "supplementalGroupsPolicy"));
        if (s.has("fsGroup")) {
            throw s.get("fsGroup").error("is not supported by podshim yet: remove it to run this pod here");
        }
        List<Long> groups = s.list("supplementalGroups", Field::wholeNumber);
        return new PodManifest.PodSecurity(s.nonNegative("runAsUser"), s.nonNegative("runAsGroup"),
                Boolean.TRUE.equals(s.bool("runAsNonRoot")), groups);
    }

    private static Volume volume(Field v) {
        v.onlyKeys(Field.keys("name", "emptyDir", "hostPath"), Field.keys("configMap", "secret", "persistentVolumeClaim",
                "projected", "downwardAPI", "nfs", "csi", "ephemeral", "image", "gitRepo", "iscsi", "rbd", "cephfs", "flexVolume",
                "fc", "azureFile", "azureDisk", "vsphereVolume", "quobyte", "portworxVolume", "scaleIO", "storageos", "glusterfs",
                "photonPersistentDisk", "awsElasticBlockStore", "gcePersistentDisk", "cinder", "flocker"));
        String name = v.string("name");
        label(v.get("name"), name);
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
