package io.podshim.runtime.daemon;

import java.util.LinkedHashMap;
import java.util.Map;

/** The daemon's version, as {@code GET /v1/version} answers it (kubectl version's server half). */
final class Version {
    private Version() {}

    static Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("version", io.podshim.runtime.cli.Cli.version());
        info.put("javaVersion", Runtime.version().toString());
        info.put("platform", "linux/" + io.podshim.runtime.pod.NodeAdmission.nodeLabels(null).get("kubernetes.io/arch"));
        return info;
    }
}
