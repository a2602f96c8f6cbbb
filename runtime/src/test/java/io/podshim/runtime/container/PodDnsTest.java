package io.podshim.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resolv.conf kubelet makes of a pod's dnsPolicy and dnsConfig, with no cluster DNS. */
class PodDnsTest {
    private static final String NODE = """
            # from the node
            domain example.internal
            search lab.example corp.example
            nameserver 10.0.0.2
            nameserver 10.0.0.3
            options ndots:2 timeout:1
            """;

    @Test
    void defaultAndClusterFirstAreTheNodesFile() {
        String expected = "search lab.example corp.example\nnameserver 10.0.0.2\nnameserver 10.0.0.3\noptions ndots:2 timeout:1\n";
        assertEquals(expected, PodDns.DEFAULT.resolvConf(NODE));
        assertEquals(expected, new PodDns("Default", List.of(), List.of(), Map.of()).resolvConf(NODE));
    }

    @Test
    void dnsConfigIsMergedAfterTheNodesServersAndSearchesAndOverItsOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("ndots", "5");
        options.put("edns0", null);
        PodDns dns = new PodDns("ClusterFirst", List.of("10.0.0.3", "1.1.1.1"), List.of("extra.example"), options);
        assertEquals("search lab.example corp.example extra.example\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 1.1.1.1\n"
                + "options ndots:5 timeout:1 edns0\n", dns.resolvConf(NODE));
    }

    @Test
    void noneIsTheDnsConfigAlone() {
        PodDns dns = new PodDns("None", List.of("192.0.2.53"), List.of("only.example"), Map.of("ndots", "1"));
        assertEquals("search only.example\nnameserver 192.0.2.53\noptions ndots:1\n", dns.resolvConf(NODE));
    }
}
