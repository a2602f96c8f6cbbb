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
        if (privileged) {
            return Capabilities.ALL;
        }
        long set = Capabilities.DEFAULT | mask(add, field + ".capabilities.add");
        return set & ~mask(drop, field + ".capabilities.drop");
    }

    private static long mask(List<String> names, String field) {
        if (names == null) {
            return 0;
        }
        if (names.stream().anyMatch(n -> n.equalsIgnoreCase("ALL"))) {
            return Capabilities.ALL;
        }
        List<String> list = new ArrayList<>(names);
        try {
            return Capabilities.of(list);
        } catch (IllegalArgumentException e) {
            throw PodException.invalid(field, e.getMessage());
        }
    }
}
