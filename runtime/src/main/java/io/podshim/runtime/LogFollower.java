package io.podshim.runtime;

import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.logs.CriLogReader;
import io.podshim.runtime.pod.PodStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the log lines of every container of a pod as they are written, prefixed with the
 * container's name, for {@code podshim run}.
 */
final class LogFollower {
    private final PodEngine engine;
    private final String pod;
    private final PrintStream out;
    private final Map<Path, CriLogReader> readers = new HashMap<>();

    LogFollower(PodEngine engine, String pod, PrintStream out) {
        this.engine = engine;
        this.pod = pod;
        this.out = out;
    }

    /** Prints whatever was written since the last call. */
    synchronized void drain() {
        PodStatus status = engine.status(pod).orElse(null);
        if (status == null) {
            return;
        }
        List<ContainerStatus> all = new java.util.ArrayList<>(status.initContainers());
        all.addAll(status.containers());
        for (ContainerStatus c : all) {
            for (Path file : engine.logFiles(pod, c.name())) {
                for (String line : readers.computeIfAbsent(file, CriLogReader::new).readNew()) {
                    out.println("[" + c.name() + "] " + line);
                }
            }
        }
        out.flush();
    }
}
