package io.podshim.runtime.pod;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * kubelet's eviction manager, for what podshim keeps by measuring: a disk emptyDir against its
 * sizeLimit, a running container's writable layer and logs against its ephemeral-storage limit.
 * Every {@link #EVERY} (kubelet's housekeeping interval) the sizes are taken off the supervisor
 * (a large tree takes a while) and a pod over a limit is evicted ({@link PodRun#evict}).
 */
final class Evictions {
    /** How often sizes are measured. */
    static final Duration EVERY = Duration.ofSeconds(10);

    private final PodEngine engine;
    private final Supervisor supervisor;
    private final ExecutorService work;

    Evictions(PodEngine engine, Supervisor supervisor, ExecutorService work) {
        this.engine = engine;
        this.supervisor = supervisor;
        this.work = work;
    }

    void start() {
        next();
    }

    /** On the supervisor (a timer): the measuring is handed to a thread of its own, the next tick set once it is over. */
    private void tick() {
        try {
            work.execute(() -> measure().whenComplete((ok, failed) -> next()));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the engine is closing
        }
    }

    /** Timers are the supervisor's own: set from its thread. */
    private void next() {
        supervisor.call(() -> {
            supervisor.after(EVERY, this::tick);
            return null;
        });
    }

    /** What is measured against a limit, and the eviction message should it be over. */
    private record Measured(PodRun pod, List<Path> paths, long limit, String message) {}

    /** Measures everything that has a limit now and evicts the pods over one; done once that is over. Not on the supervisor. */
    CompletableFuture<Void> measure() {
        List<Measured> due = io.podshim.runtime.Futures.join(supervisor.call(() -> {
            List<Measured> found = new ArrayList<>();
            for (PodRun pod : engine.podRuns()) {
                if (pod.sandbox == null || pod.lifecycle != PodLifecycle.RUNNING && pod.lifecycle != PodLifecycle.INITIALIZING) {
                    continue;
                }
                List<io.podshim.runtime.container.Volume> volumes = pod.manifest.spec().volumes();
                for (int i = 0; i < volumes.size(); i++) {
                    if (volumes.get(i).source() instanceof io.podshim.runtime.container.Volume.EmptyDir e && e.sizeLimitBytes() != null
                            && (e.medium() == null || e.medium().isEmpty())) {
                        String text = pod.manifest.source() == null ? null : pod.manifest.source().path("spec").path("volumes").path(i)
                                .path("emptyDir").path("sizeLimit").asText(null);
                        found.add(new Measured(pod, List.of(pod.sandbox.volumesDir().resolve(volumes.get(i).name())), e.sizeLimitBytes(),
                                "Usage of EmptyDir volume \"" + volumes.get(i).name() + "\" exceeds the limit \""
                                + (text != null ? text : Long.toString(e.sizeLimitBytes())) + "\"."));
                    }
                }
                for (ContainerRun c : pod.containers) {
                    Long limit = c.spec.resources().ephemeralStorageLimitBytes();
                    if (limit != null && c.running() && c.plan != null) {
                        found.add(new Measured(pod, List.of(c.plan.bundle().resolve("upper"), engine.logFile(pod.manifest, c.name(), 0)
                                .getParent()), limit, "Container " + c.name() + " exceeded its local ephemeral storage limit \""
                                + limitText(pod, c) + "\"."));
                    }
                }
            }
            return found;
        }));
        return CompletableFuture.runAsync(() -> {
            for (Measured m : due) {
                long used = 0;
                for (Path p : m.paths()) {
                    try {
                        used += java.nio.file.Files.exists(p) ? io.podshim.runtime.FileTrees.size(p) : 0;
                    } catch (java.io.IOException | java.io.UncheckedIOException e) {
                        // gone meanwhile (the pod was deleted)
                    }
                }
                if (used > m.limit()) {
                    supervisor.call(() -> {
                        m.pod().evict(m.message());
                        return null;
                    });
                }
            }
        }, work).thenCompose(v -> supervisor.call(() -> null)).thenApply(v -> null);
    }

    /** A container's ephemeral-storage limit as its manifest writes it. */
    private static String limitText(PodRun pod, ContainerRun c) {
        if (pod.manifest.source() != null) {
            for (String list : List.of("initContainers", "containers")) {
                for (com.fasterxml.jackson.databind.JsonNode spec : pod.manifest.source().path("spec").path(list)) {
                    if (spec.path("name").asText().equals(c.name())) {
                        return spec.path("resources").path("limits").path("ephemeral-storage").asText();
                    }
                }
            }
        }
        return Long.toString(c.spec.resources().ephemeralStorageLimitBytes());
    }
}
