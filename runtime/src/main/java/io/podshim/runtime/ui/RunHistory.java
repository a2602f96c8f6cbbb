package io.podshim.runtime.ui;

import io.podshim.runtime.pod.ContainerState;
import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.pod.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every run of every container of every pod, as the pod engine's status stream shows them: what a
 * timeline draws. A status has only a container's state and the one before it; a container that
 * restarted five times had six runs, and the back-offs between them. This follows each published
 * status from the moment the page's server starts and keeps what it saw, per pod uid, in memory
 * (after a daemon restart the history starts again from the two states each status holds).
 */
final class RunHistory implements AutoCloseable {
    /** Runs kept per container: enough for a crash loop's story, bounded for a pod that restarts for days. */
    static final int MAX_RUNS = 50;

    /** One run: running while {@code finishedAt} is null. {@code startedAt} is null for a run that never started (StartError). */
    record Run(Instant startedAt, Instant finishedAt, String reason, Integer exitCode) {}

    /** A spell of waiting between runs (CrashLoopBackOff, ContainerCreating, …): open while {@code until} is null. */
    record Wait(Instant since, Instant until, String reason) {}

    /** What was seen of one container. */
    record Container(List<Run> runs, List<Wait> waits) {}

    private final Map<String, Map<String, Lane>> pods = new ConcurrentHashMap<>();
    private final AutoCloseable following;

    RunHistory(PodEngine engine) {
        following = engine.follow(this::record);
    }

    /** The history of pod {@code uid}, container name → what was seen, in the order first seen. */
    Map<String, Container> of(String uid) {
        Map<String, Lane> lanes = pods.get(uid);
        Map<String, Container> out = new LinkedHashMap<>();
        if (lanes != null) {
            synchronized (lanes) {
                lanes.forEach((name, lane) -> out.put(name, new Container(List.copyOf(lane.runs), List.copyOf(lane.waits))));
            }
        }
        return out;
    }

    /** On the supervisor thread: cheap, never blocks. */
    private void record(String type, PodStatus status) {
        if (type.equals("DELETED")) {
            pods.remove(status.uid());
            return;
        }
        Map<String, Lane> lanes = pods.computeIfAbsent(status.uid(), uid -> new LinkedHashMap<>());
        Instant now = Instant.now();
        synchronized (lanes) {
            for (ContainerStatus c : status.allContainers()) {
                Lane lane = lanes.computeIfAbsent(c.name(), n -> new Lane());
                if (c.lastState() != null) {
                    lane.see(c.lastState(), now);
                }
                // A container that never ran has waited since its pod was made, not since it was first seen here.
                boolean fresh = lane.runs.isEmpty() && lane.waits.isEmpty() && c.restartCount() == 0 && c.lastState() == null;
                lane.see(c.state(), fresh && status.creationTimestamp() != null ? status.creationTimestamp() : now);
            }
        }
    }

    @Override
    public void close() throws Exception {
        following.close();
    }

    /** One container's runs and waits, from the states it was seen in; not thread-safe (its pod's lanes are locked). */
    static final class Lane {
        final List<Run> runs = new ArrayList<>();
        final List<Wait> waits = new ArrayList<>();

        void see(ContainerState state, Instant now) {
            switch (state.kind()) {
                // Only a run not seen before ends a wait: a status in back-off still holds the last run as its lastState.
                case RUNNING -> {
                    if (put(new Run(state.startedAt(), null, null, null))) {
                        endWait(state.startedAt() == null ? now : state.startedAt());
                    }
                }
                case TERMINATED -> {
                    Instant began = state.startedAt() != null ? state.startedAt() : state.finishedAt();
                    if (put(new Run(state.startedAt(), state.finishedAt(), state.reason(), state.exitCode()))) {
                        endWait(began == null ? now : began);
                    }
                }
                case WAITING -> {
                    Wait open = waits.isEmpty() ? null : waits.get(waits.size() - 1);
                    if (open != null && open.until() == null && open.reason().equals(String.valueOf(state.reason()))) {
                        return;
                    }
                    endWait(now);
                    waits.add(new Wait(now, null, String.valueOf(state.reason())));
                    trim(waits);
                }
            }
        }

        /**
         * Adds {@code run}, or ends the same run seen running (the same start; a run that never started:
         * the same end); whether it was new.
         */
        private boolean put(Run run) {
            for (int i = runs.size() - 1; i >= 0; i--) {
                Run seen = runs.get(i);
                boolean same = run.startedAt() != null ? run.startedAt().equals(seen.startedAt())
                        : seen.startedAt() == null && java.util.Objects.equals(run.finishedAt(), seen.finishedAt());
                if (same) {
                    if (seen.finishedAt() == null && run.finishedAt() != null) {
                        runs.set(i, run); // it ended
                    }
                    return false;
                }
            }
            runs.add(run);
            runs.sort(java.util.Comparator.comparing(r -> r.startedAt() != null ? r.startedAt() : r.finishedAt(),
                    java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())));
            trim(runs);
            return true;
        }

        private void endWait(Instant at) {
            if (!waits.isEmpty()) {
                Wait last = waits.get(waits.size() - 1);
                if (last.until() == null) {
                    waits.set(waits.size() - 1, new Wait(last.since(), at.isBefore(last.since()) ? last.since() : at, last.reason()));
                }
            }
        }

        private static void trim(List<?> list) {
            while (list.size() > MAX_RUNS) {
                list.remove(0);
            }
        }
    }
}
