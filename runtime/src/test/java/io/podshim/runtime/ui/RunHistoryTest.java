package io.podshim.runtime.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.podshim.runtime.pod.ContainerState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a timeline is drawn from: a container's runs and waits, out of the states it is seen in, over and over. */
class RunHistoryTest {
    private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");

    private static Instant t(int seconds) {
        return T.plusSeconds(seconds);
    }

    @Test
    void aRunSeenRunningThenEndedIsOneRunThatEnded() {
        RunHistory.Lane lane = new RunHistory.Lane();
        lane.see(ContainerState.waiting("PodInitializing", null), t(0));
        lane.see(ContainerState.running(t(2)), t(2));
        lane.see(ContainerState.running(t(2)), t(3)); // the same status again: nothing new
        lane.see(ContainerState.terminated("Completed", 0, null, t(2), t(5)), t(5));
        assertEquals(List.of(new RunHistory.Run(t(2), t(5), "Completed", 0)), lane.runs);
        assertEquals(List.of(new RunHistory.Wait(t(0), t(2), "PodInitializing")), lane.waits, "the wait ends when the run starts");
    }

    @Test
    void aCrashLoopIsRunsWithTheBackOffsBetweenThem() {
        RunHistory.Lane lane = new RunHistory.Lane();
        lane.see(ContainerState.running(t(0)), t(0));
        lane.see(ContainerState.terminated("OOMKilled", 137, null, t(0), t(1)), t(1));
        lane.see(ContainerState.waiting("CrashLoopBackOff", "back-off 10s"), t(1));
        lane.see(ContainerState.waiting("CrashLoopBackOff", "back-off 10s"), t(6));
        // The next run, seen with the last one as lastState (what a status holds after a restart).
        lane.see(ContainerState.terminated("OOMKilled", 137, null, t(0), t(1)), t(11));
        lane.see(ContainerState.running(t(11)), t(11));
        assertEquals(2, lane.runs.size());
        assertEquals("OOMKilled", lane.runs.get(0).reason());
        assertNull(lane.runs.get(1).finishedAt(), "the second run goes on");
        assertEquals(List.of(new RunHistory.Wait(t(1), t(11), "CrashLoopBackOff")), lane.waits);
    }

    @Test
    void runsSeenOutOfOrderAreKeptInTimeOrderAndARunThatNeverStartedStillCounts() {
        RunHistory.Lane lane = new RunHistory.Lane();
        lane.see(ContainerState.running(t(20)), t(20));
        lane.see(ContainerState.terminated("Error", 1, null, t(10), t(12)), t(20)); // lastState, first seen after a daemon restart
        lane.see(ContainerState.terminated("StartError", 128, "exec: no such file", null, t(30)), t(30));
        lane.see(ContainerState.terminated("StartError", 128, "exec: no such file", null, t(30)), t(31));
        assertEquals(List.of(t(10), t(20), t(30)), lane.runs.stream().map(r -> r.startedAt() != null ? r.startedAt() : r.finishedAt()).toList());
    }

    @Test
    void aContainerThatRestartsForDaysKeepsItsLastRunsOnly() {
        RunHistory.Lane lane = new RunHistory.Lane();
        for (int i = 0; i < RunHistory.MAX_RUNS + 10; i++) {
            lane.see(ContainerState.terminated("Error", 1, null, t(2 * i), t(2 * i + 1)), t(2 * i + 1));
            lane.see(ContainerState.waiting("CrashLoopBackOff", null), t(2 * i + 1));
        }
        assertEquals(RunHistory.MAX_RUNS, lane.runs.size());
        assertEquals(t(2 * (RunHistory.MAX_RUNS + 9)), lane.runs.get(lane.runs.size() - 1).startedAt(), "the newest kept");
        assertEquals(RunHistory.MAX_RUNS, lane.waits.size());
    }
}
