package io.podshim.runtime.pod;

import io.podshim.cgroups.PodResources;
import io.podshim.linux.Shim;
import io.podshim.linux.Stdio;
import io.podshim.pause.PodSandbox;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.ContainerProcess;
import io.podshim.runtime.container.PodVolumes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pod across a daemon restart: what is saved of it ({@link PodRecord}) and how a new daemon takes
 * it over. Only observations are restored; what to do next is for the decisions, as after any event.
 */
final class PodRecovery {
    private PodRecovery() {}

    /**
     * What a restarted daemon needs to take {@code pod} over; null once its removal has begun
     * (nothing is left to take, and the directory the record lives in is going).
     */
    static PodRecord record(PodRun pod) {
        if (pod.sandbox == null || pod.sandboxState == PodDecisions.Sandbox.REMOVING || pod.lifecycle == PodLifecycle.DONE) {
            return null;
        }
        List<PodRecord.ContainerRecord> containers = pod.containers.stream().map(c -> new PodRecord.ContainerRecord(c.name(),
                c.restartCount, c.backToBackRestarts, c.started, c.restartAt, c.state, c.lastState, c.startedAt,
                c.oomKillsBefore, c.process == null ? null : c.process.saved(), c.startupPassed)).toList();
        List<PodRecord.Ephemeral> ephemeral = pod.containers.stream().filter(c -> c.ephemeral)
                .map(c -> new PodRecord.Ephemeral(c.spec, c.target)).toList();
        return new PodRecord(pod.manifest, pod.lifecycle, pod.startTime, pod.stopDeadline, pod.terminatingGraceSeconds,
                pod.outcome, pod.outcomeReason, pod.events.list(), containers, ephemeral, new PodRecord.Meta(pod.creationTimestamp,
                pod.deletionTimestamp, pod.deletionGracePeriodSeconds, pod.generation, new java.util.LinkedHashMap<>(pod.conditions)));
    }

    /**
     * A pod an earlier daemon ran, from its {@code record} and its live {@code sandbox}: the
     * containers still running are taken over (shim and container found by pid and start time,
     * log pipes taken back from the shims), those that ended meanwhile are reported with the exit
     * status their shims recorded, and the decisions go on from there: restarts (a back-off keeps
     * its time), the next init container, a stop that was under way.
     *
     * @param networkProblem what CHECK of its network said was wrong, or null
     */
    static PodRun adopt(PodEngine engine, PodRecord record, PodSandbox sandbox, String networkProblem) {
        PodRun pod = new PodRun(engine, record.manifest());
        record.ephemeralContainers().forEach(e -> pod.containers.add(PodRun.ephemeral(e.spec(), e.targetContainerName(),
                pod.containers)));
        pod.images.refresh();
        pod.sandbox = sandbox;
        pod.sandboxState = PodDecisions.Sandbox.READY;
        pod.resources = PodRun.podResources(pod.manifest, pod.containers.stream().map(PodRun::resourcesOf).toList());
        pod.podCgroup = engine.core().podCgroup(record.manifest().uid(), pod.resources.qos());
        pod.volumes = PodVolumes.reopen(sandbox, record.manifest().spec().volumes(), given(engine, pod));
        pod.network = engine.core().networkStatus(record.manifest().uid());
        pod.lifecycle = record.lifecycle();
        pod.startTime = record.startTime();
        pod.stopDeadline = record.stopDeadline();
        pod.terminatingGraceSeconds = record.terminatingGraceSeconds();
        pod.outcome = record.outcome();
        pod.outcomeReason = record.outcomeReason();
        pod.events.restore(record.events());
        if (record.meta() != null) {
            pod.creationTimestamp = record.meta().creationTimestamp();
            pod.deletionTimestamp = record.meta().deletionTimestamp();
            pod.deletionGracePeriodSeconds = record.meta().deletionGracePeriodSeconds();
            pod.generation = record.meta().generation();
            if (record.meta().conditions() != null) {
                pod.conditions.putAll(record.meta().conditions());
            }
        } else {
            pod.creationTimestamp = record.startTime();
        }
        pod.events.add("Normal", "Recovered", "pod", "The daemon restarted and took the pod over (pause " + sandbox.pausePid() + ")");
        if (networkProblem != null) {
            pod.events.add("Warning", "NetworkNotReady", "pod", "the pod's network is not as it was set up: " + networkProblem);
        }
        List<Runnable> endedMeanwhile = new ArrayList<>();
        for (ContainerRun c : pod.containers) {
            c.cgroup = pod.podCgroup.child(c.name());
            record.containers().stream().filter(saved -> saved.name().equals(c.name())).findFirst()
                    .ifPresent(saved -> restore(pod, c, saved, endedMeanwhile));
        }
        // Only once every container is restored: a failure above leaves nothing with the supervisor.
        for (ContainerRun c : pod.containers) {
            if (c.running()) {
                pod.starts.watch(c);
                pod.health.resumed(c, c.startupPassed);
            }
        }
        pod.afterAll(() -> endedMeanwhile.forEach(Runnable::run));
        return pod;
    }

    private static void restore(PodRun pod, ContainerRun c, PodRecord.ContainerRecord saved, List<Runnable> endedMeanwhile) {
        c.restartCount = saved.restartCount();
        c.backToBackRestarts = saved.backToBackRestarts();
        c.started = saved.started();
        c.restartAt = saved.restartAt();
        c.state = saved.state();
        c.lastState = saved.lastState();
        c.startedAt = saved.startedAt();
        c.oomKillsBefore = saved.oomKillsBefore();
        c.startupPassed = saved.startupPassed();
        if (saved.process() == null) {
            return; // its image is fetched again if it must run again
        }
        if (c.image == null) {
            throw PodException.notFound("the image " + c.spec.image() + " of its running container " + c.name()
                    + " has left the store");
        }
        try {
            c.plan = pod.starts.plan(c, pod.config.envOrLiterals(c.spec), Stdio.devNull(), Stdio.devNull(), Stdio.devNull()); // what an exec into it must match
        } catch (PodException e) {
            pod.events.add("Warning", "Failed", c.name(), "exec into " + c.name() + " will not work: " + e.getMessage());
        }
        Optional<ContainerProcess> found = ContainerProcess.adopt(saved.process());
        if (found.isPresent()) {
            c.process = found.get();
            pod.starts.resumeLogs(c);
            return;
        }
        Optional<Shim.ExitRecord> ended = Shim.record(saved.process().exitDir());
        endedMeanwhile.add(() -> {
            pod.events.add("Normal", "Recovered", c.name(), "Container " + c.name() + " ended while the daemon was down: "
                    + ended.map(r -> r.status() + " at " + r.finishedAt()).orElse("how is unknown (no record)"));
            if (ended.isPresent()) {
                pod.exited(c, ended.get().status(), null, ended.get().finishedAt());
            } else {
                pod.exited(c, null, PodRun.UNKNOWN, Instant.now());
            }
        });
    }

    /** The claims' directories and the image volumes' roots of a pod taken over, by volume name. */
    private static java.util.Map<String, java.nio.file.Path> given(PodEngine engine, PodRun pod) {
        java.util.Map<String, java.nio.file.Path> given = new java.util.LinkedHashMap<>(engine.claimPaths(pod.manifest));
        given.putAll(pod.volumeImages.found());
        return given;
    }
}
