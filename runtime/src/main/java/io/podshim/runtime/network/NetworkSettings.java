package io.podshim.runtime.network;

import java.nio.file.Path;
import java.util.List;

/**
 * Where pods get their network from: CNI (the first network in the conf dir, as containerd takes
 * it, else podshim's own bridge on {@code podSubnet}), or none (each pod has its loopback only).
 *
 * @param stateDir where podshim keeps its own network's files (its conflist, host-local's leases)
 */
public record NetworkSettings(Mode mode, Path confDir, List<Path> binDirs, String podSubnet, Path stateDir) {
    public enum Mode { CNI, NONE }

    public static final Path DEFAULT_CONF_DIR = Path.of("/etc/cni/net.d");
    /** containerd's place for plugins, then Debian's (containernetworking-plugins). */
    public static final List<Path> DEFAULT_BIN_DIRS = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
    /** Not podman's 10.88.0.0/16, nor CRI-O's 10.85.0.0/16. */
    public static final String DEFAULT_SUBNET = "10.92.0.0/16";
    /** podshim's own network, its bridge and the name its leases and rules are kept under. */
    public static final String DEFAULT_NETWORK = "podshim";
    public static final String DEFAULT_BRIDGE = "podshim0";

    public NetworkSettings {
        binDirs = List.copyOf(binDirs);
    }

    /** Pods with their loopback only. */
    public static NetworkSettings none() {
        return new NetworkSettings(Mode.NONE, DEFAULT_CONF_DIR, DEFAULT_BIN_DIRS, DEFAULT_SUBNET, null);
    }

    /** CNI from the usual places, podshim's own files under {@code stateDir}. */
    public static NetworkSettings cni(Path stateDir) {
        return new NetworkSettings(Mode.CNI, DEFAULT_CONF_DIR, DEFAULT_BIN_DIRS, DEFAULT_SUBNET, stateDir);
    }
}
