package io.podshim.runtime;

import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.pod.PodStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the log lines of every container of a pod as they are written, prefixed with the
 * container's name, for {@code podshim run}. It reads the CRI log files, joining partial records.
 */
final class LogFollower {
    private final PodEngine engine;
    private final String pod;
    private final PrintStream out;
    private final Map<Path, Long> offsets = new HashMap<>();
    private final Map<Path, StringBuilder> partial = new HashMap<>();

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
                read(c.name(), file);
            }
        }
        out.flush();
    }

    private void read(String container, Path file) {
        long offset = offsets.getOrDefault(file, 0L);
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            if (in.length() <= offset) {
                return;
            }
            in.seek(offset);
            byte[] bytes = new byte[(int) (in.length() - offset)];
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n') + 1;
            offsets.put(file, offset + text.substring(0, end).getBytes(StandardCharsets.UTF_8).length);
            for (String record : text.substring(0, end).split("\n")) {
                String[] fields = record.split(" ", 4);
                if (fields.length < 4) {
                    continue;
                }
                StringBuilder line = partial.computeIfAbsent(file, f -> new StringBuilder()).append(fields[3]);
                if (fields[2].equals("F")) {
                    out.println("[" + container + "] " + line);
                    line.setLength(0);
                }
            }
        } catch (IOException e) {
            // the file is gone with its pod: nothing more to show
        }
    }
}
