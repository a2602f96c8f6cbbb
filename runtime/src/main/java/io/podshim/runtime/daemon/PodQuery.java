package io.podshim.runtime.daemon;

import io.podshim.runtime.PodException;
import io.podshim.runtime.kube.JsonPath;
import io.podshim.runtime.kube.LabelSelector;
import io.podshim.runtime.pod.PodStatus;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;

/**
 * Which pods a request is about and how it wants them, from its query, as kubectl's flags ask:
 * {@code namespace} (none: every namespace), {@code labelSelector}, {@code name} (any number),
 * {@code output} (json, yaml, table, wide, name, {@code jsonpath=TEMPLATE}), {@code showLabels},
 * {@code watch}, {@code timeoutSeconds} (how long a watch lasts).
 */
record PodQuery(String namespace, LabelSelector selector, List<String> names, String output, JsonPath jsonPath,
                boolean showLabels, boolean watch, Long timeoutSeconds) {

    static PodQuery of(Fields query, String defaultOutput) {
        String output = Optional.ofNullable(query.getValue("output")).orElse(defaultOutput);
        JsonPath path = null;
        if (output.startsWith("jsonpath=")) {
            path = JsonPath.parse(output.substring("jsonpath=".length()));
            output = "jsonpath";
        } else if (!List.of("json", "yaml", "table", "wide", "name", "describe").contains(output)) {
            throw PodException.invalid("unable to match a printer suitable for the output format \"" + output
                    + "\", allowed formats are: json, jsonpath, name, wide, yaml");
        }
        List<String> names = query.getValues("name");
        String timeout = query.getValue("timeoutSeconds");
        Long seconds;
        try {
            seconds = timeout == null ? null : Long.parseLong(timeout);
        } catch (NumberFormatException e) {
            throw PodException.invalid("timeoutSeconds must be a whole number of seconds");
        }
        return new PodQuery(query.getValue("namespace"), LabelSelector.parse(query.getValue("labelSelector")),
                names == null ? List.of() : names, output, path, "true".equals(query.getValue("showLabels")),
                "true".equals(query.getValue("watch")), seconds);
    }

    boolean matches(PodStatus pod) {
        return (namespace == null || namespace.equals(pod.namespace())) && selector.test(pod.manifest().labels())
                && (names.isEmpty() || names.contains(pod.name()));
    }

    Render.Columns columns(String node) {
        return new Render.Columns(output.equals("wide"), showLabels, namespace == null, node);
    }
}
