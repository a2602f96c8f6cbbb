package io.podshim.runtime.network;

import java.util.List;

/**
 * A pod's network as its CNI result gives it.
 *
 * @param podIP the first address (Kubernetes' {@code status.podIP}); null without a network
 * @param podIPs every address, IPv4 first
 * @param interfaceName the pod's interface in its network namespace (eth0)
 * @param network the name of the CNI network
 * @param took how long each plugin's ADD took, in order ("bridge 41ms"), or empty when not measured
 */
public record NetworkStatus(String podIP, List<String> podIPs, String interfaceName, String network, List<String> took) {
    public static final NetworkStatus NONE = new NetworkStatus(null, List.of(), null, null, List.of());

    public NetworkStatus {
        podIPs = List.copyOf(podIPs);
        took = List.copyOf(took);
    }
}
