package io.podshim.runtime.container;

import io.podshim.linux.Capabilities;
import io.podshim.runtime.PodException;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's capability set from its securityContext: privileged keeps every capability;
 * otherwise the default container set, plus {@code capabilities.add}, minus {@code capabilities.drop}
 * ("ALL" allowed in either, as Kubernetes allows it).
 */
public final class SecurityCapabilities {
    private SecurityCapabilities() {}

    /** @param field e.g. {@code spec.containers[0].securityContext} */
    public static long of(boolean privileged, List<String> add, List<String> drop, String field) {
        long bounding = Capabilities.bounding();
        if (privileged) {
            return bounding;
        }
        long added = mask(add, field + ".capabilities.add", bounding);
        long beyond = added & ~bounding;
        if (beyond != 0) {
            throw PodException.invalid(field + ".capabilities.add", String.join(", ", Capabilities.names(beyond))
                    + " cannot be given: this node's runtime does not have it (its bounding set); remove it");
        }
        long set = (Capabilities.DEFAULT & bounding) | added;
        return set & ~mask(drop, field + ".capabilities.drop", Capabilities.ALL);
    }

    /** The mask of {@code names}; "ALL" is {@code all}. */
    private static long mask(List<String> names, String field, long all) {
        if (names == null) {
            return 0;
        }
        if (names.stream().anyMatch(n -> n.equalsIgnoreCase("ALL"))) {
            return all;
        }
        List<String> list = new ArrayList<>(names);
        try {
            return Capabilities.of(list);
        } catch (IllegalArgumentException e) {
            throw PodException.invalid(field, e.getMessage());
        }
    }
}
