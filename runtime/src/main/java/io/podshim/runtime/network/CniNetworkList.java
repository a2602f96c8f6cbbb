package io.podshim.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A CNI network configuration list (CNI spec, section 1): its name, cniVersion and plugins, in the
 * order ADD runs them. Read from a conf dir as containerd and libcni read it (the first of its
 * {@code .conflist}, {@code .conf} and {@code .json} files in lexical order; a {@code .conf} of one
 * plugin is a list of one), or podshim's own: a bridge with host-local addresses and portmap.
 */
record CniNetworkList(String cniVersion, String name, List<ObjectNode> plugins, String source) {
    private static final ObjectMapper JSON = new ObjectMapper();

    CniNetworkList {
        plugins = List.copyOf(plugins);
    }

    /** The first network of {@code confDir}, if it has one. */
    static Optional<CniNetworkList> first(Path confDir) {
        if (!Files.isDirectory(confDir)) {
            return Optional.empty();
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(confDir)) {
            files = listed.filter(p -> p.getFileName().toString().matches(".*\\.(conflist|conf|json)") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw PodException.invalid("read the CNI conf dir " + confDir + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            return Optional.empty();
        }
        Path file = files.get(0);
        try {
            return Optional.of(parse(JSON.readTree(file.toFile()), file.toString()));
        } catch (IOException e) {
            throw PodException.invalid("the CNI network " + file + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** A list as a conflist file (or a single-plugin .conf) writes it; {@code source} names it in errors. */
    static CniNetworkList parse(JsonNode json, String source) {
        String version = json.path("cniVersion").asText("");
        String name = json.path("name").asText("");
        if (version.isEmpty() || name.isEmpty()) {
            throw PodException.invalid("the CNI network " + source + " needs a cniVersion and a name");
        }
        List<ObjectNode> plugins = new ArrayList<>();
        if (json.has("plugins")) {
            for (JsonNode p : json.path("plugins")) {
                if (!p.isObject() || p.path("type").asText("").isEmpty()) {
                    throw PodException.invalid("the CNI network " + source + ": every plugin needs a type");
                }
                plugins.add((ObjectNode) p.deepCopy());
            }
        } else if (json.has("type")) {
            ObjectNode one = ((ObjectNode) json).deepCopy();
            one.remove(List.of("cniVersion", "name"));
            plugins.add(one);
        }
        if (plugins.isEmpty()) {
            throw PodException.invalid("the CNI network " + source + " has no plugins");
        }
        return new CniNetworkList(version, name, plugins, source);
    }

    /**
     * podshim's own network: a bridge that is the pods' gateway and masquerades what leaves the
     * subnet, addresses from host-local with its leases under {@code dataDir}, and portmap for a
     * pod that publishes a hostPort.
     */
    static CniNetworkList builtIn(String subnet, Path dataDir, boolean publishesPorts) {
        ObjectNode bridge = JSON.createObjectNode().put("type", "bridge").put("bridge", NetworkSettings.DEFAULT_BRIDGE)
                .put("isGateway", true).put("ipMasq", true).put("hairpinMode", true);
        ObjectNode ipam = bridge.putObject("ipam").put("type", "host-local").put("dataDir", dataDir.toString());
        ipam.putArray("ranges").addArray().addObject().put("subnet", subnet);
        ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
        if (!publishesPorts) {
            // portmap would only pass the result on: one exec fewer on the pod's start (DEL and CHECK read the list kept).
            return new CniNetworkList("1.0.0", NetworkSettings.DEFAULT_NETWORK, List.of(bridge), "podshim's own network");
        }
        ObjectNode portmap = JSON.createObjectNode().put("type", "portmap");
        portmap.putObject("capabilities").put("portMappings", true);
        return new CniNetworkList("1.0.0", NetworkSettings.DEFAULT_NETWORK, List.of(bridge, portmap), "podshim's own network");
    }

    ObjectNode toJson() {
        ObjectNode list = JSON.createObjectNode().put("cniVersion", cniVersion).put("name", name);
        ArrayNode array = list.putArray("plugins");
        plugins.forEach(array::add);
        return list;
    }
}
