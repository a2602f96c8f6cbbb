package io.podshim.runtime.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's {@code dnsPolicy} with its {@code dnsConfig}, and the resolv.conf kubelet makes of them.
 * There is no cluster DNS on a podshim node, so ClusterFirst (and ClusterFirstWithHostNet) resolve as
 * Default does, as kubelet does when it has no cluster DNS: the node's resolv.conf, with dnsConfig
 * merged in (its nameservers and searches after the node's, its options over the node's). None is
 * dnsConfig alone.
 */
public record PodDns(String policy, List<String> nameservers, List<String> searches, Map<String, String> options) {
    public static final PodDns DEFAULT = new PodDns("ClusterFirst", List.of(), List.of(), Map.of());

    public PodDns {
        nameservers = List.copyOf(nameservers);
        searches = List.copyOf(searches);
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** The pod's resolv.conf, from the node's ({@code node}, its text) as this policy says. */
    public String resolvConf(String node) {
        List<String> servers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        Map<String, String> opts = new LinkedHashMap<>();
        if (!policy.equals("None")) {
            for (String line : node.lines().toList()) {
                String[] words = line.trim().split("\\s+");
                if (words.length < 2 || words[0].startsWith("#") || words[0].startsWith(";")) {
                    continue;
                }
                switch (words[0]) {
                    case "nameserver" -> servers.add(words[1]);
                    case "search", "domain" -> {
                        search.clear(); // the last search or domain line wins, as the resolver reads them
                        search.addAll(List.of(words).subList(1, words.length));
                    }
                    case "options" -> List.of(words).subList(1, words.length).forEach(o -> put(opts, o));
                    default -> { }
                }
            }
        }
        nameservers.stream().filter(s -> !servers.contains(s)).forEach(servers::add);
        searches.stream().filter(s -> !search.contains(s)).forEach(search::add);
        opts.putAll(options);
        StringBuilder out = new StringBuilder();
        if (!search.isEmpty()) {
            out.append("search ").append(String.join(" ", search)).append('\n');
        }
        servers.forEach(s -> out.append("nameserver ").append(s).append('\n'));
        if (!opts.isEmpty()) {
            out.append("options ").append(String.join(" ", opts.entrySet().stream()
                    .map(e -> e.getValue() == null ? e.getKey() : e.getKey() + ":" + e.getValue()).toList())).append('\n');
        }
        return out.toString();
    }

    private static void put(Map<String, String> opts, String option) {
        int colon = option.indexOf(':');
        opts.put(colon < 0 ? option : option.substring(0, colon), colon < 0 ? null : option.substring(colon + 1));
    }
}
