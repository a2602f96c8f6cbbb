package io.podshim.runtime.pod;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.podshim.runtime.container.ContainerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a restarted daemon needs to take a pod over: the manifest, the pod's state and, per
 * container, its state, restart counts and where its running process and shim are. Saved as
 * {@code pod.json} in the pod's sandbox directory on every change (written aside, then renamed, so
 * a reader sees one whole version), and gone with the sandbox.
 *
 * @param stopDeadline while FINISHING or TERMINATING: when what still runs gets SIGKILL
 * @param outcome the phase the pod reports once its containers have stopped (Succeeded or Failed),
 *     once decided; else null
 * @param ephemeralContainers those added to the running pod, in order (none in a record of an earlier podshim)
 * @param meta the object's metadata podshim keeps (null in a record of an earlier podshim)
 */
record PodRecord(PodManifest manifest, PodLifecycle lifecycle, Instant startTime, Instant stopDeadline,
                 long terminatingGraceSeconds, PodPhase outcome, String outcomeReason, List<PodEvent> events,
                 List<ContainerRecord> containers, List<Ephemeral> ephemeralContainers, Meta meta) {

    PodRecord {
        ephemeralContainers = ephemeralContainers == null ? List.of() : List.copyOf(ephemeralContainers);
    }

    /** A pod condition's value, and since when it has had it. */
    record Condition(boolean status, Instant since) {}

    record Meta(Instant creationTimestamp, Instant deletionTimestamp, Long deletionGracePeriodSeconds, long generation,
                java.util.Map<String, Condition> conditions) {}

    /** An ephemeral container's spec, and the container whose pid namespace it joined (or null). */
    record Ephemeral(PodManifest.Container spec, String targetContainerName) {}

    static final String FILE = "pod.json";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * @param restartAt when a container in back-off runs again (a restarted daemon keeps the time)
     * @param process where the current run is, if it is running; else null
     */
    record ContainerRecord(String name, int restartCount, int backToBackRestarts, boolean started, Instant restartAt,
                           ContainerState state, ContainerState lastState, Instant startedAt, long oomKillsBefore,
                           ContainerProcess.Saved process, boolean startupPassed) {}

    void save(Path sandboxDir) {
        Path target = sandboxDir.resolve(FILE);
        Path aside = sandboxDir.resolve(FILE + ".new");
        try {
            JSON.writeValue(aside.toFile(), this);
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("save " + target + ": " + e, e);
        }
    }

    /** The record in {@code sandboxDir}; empty if the pod never got one (its create was cut short). */
    static Optional<PodRecord> load(Path sandboxDir) {
        Path file = sandboxDir.resolve(FILE);
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), PodRecord.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + file + ": " + e, e);
        }
    }
}
