package io.podshim.runtime.cri;

import java.time.Instant;
import java.util.Map;

/**
 * A CRI sandbox as podshim's own listings show it beside the pods it runs itself ({@code get pods},
 * {@code ns}): named {@code cri:NAME}, which no Kubernetes name can be, so it is marked as kubelet's
 * and can be asked for by that name.
 *
 * @param processes the pause then each running container, name → pid (for the namespace table)
 */
public record CriPod(String namespace, String name, String id, int ready, int containers, String status, int restarts,
                     Instant created, String ip, int pausePid, String cgroup, Map<String, Long> processes, Map<String, String> labels) {
    public static final String PREFIX = "cri:";

    /** The name it is listed and asked for by. */
    public String listedName() {
        return PREFIX + name;
    }
}
