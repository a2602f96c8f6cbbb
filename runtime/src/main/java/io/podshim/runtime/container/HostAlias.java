package io.podshim.runtime.container;

import java.util.List;

/** A pod's {@code hostAliases} entry: more names for an address, added to its /etc/hosts. */
public record HostAlias(String ip, List<String> hostnames) {
    public HostAlias {
        hostnames = List.copyOf(hostnames);
    }
}
