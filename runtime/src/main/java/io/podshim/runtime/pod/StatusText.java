package io.podshim.runtime.pod;

import java.util.List;

/**
 * The one-word STATUS {@code kubectl get pods} prints, derived as kubectl derives it: Terminating;
 * during init {@code Init:<reason>} or {@code Init:<done>/<total>}; PodInitializing; then the
 * reason of the last app container that has one (CrashLoopBackOff, Error, OOMKilled, Completed…);
 * else the phase (Running).
 */
final class StatusText {
    private StatusText() {}

    static String of(String phase, String podReason, boolean terminating, List<ContainerStatus> init,
                      List<ContainerStatus> apps) {
        if (terminating) {
            return "Terminating";
        }
        if (podReason != null) {
            return podReason;
        }
        // Once the apps have started, init containers no longer decide (a sidecar stopped at the end is no init failure).
        boolean appsStarted = apps.stream().anyMatch(a -> !a.state().is(ContainerState.Kind.WAITING)
                || a.restartCount() > 0 || "CrashLoopBackOff".equals(a.state().reason()));
        for (int i = 0; i < init.size() && !appsStarted; i++) {
            ContainerStatus c = init.get(i);
            boolean done = c.state().is(ContainerState.Kind.TERMINATED) && c.state().exitCode() == 0
                    || c.sidecar() && c.started(); // running, postStart done, startup probe passed
            if (done) {
                continue;
            }
            if (c.state().is(ContainerState.Kind.TERMINATED)) {
                return "Init:" + (c.state().reason() == null ? "ExitCode:" + c.state().exitCode() : c.state().reason());
            }
            if (c.state().is(ContainerState.Kind.WAITING) && c.state().reason() != null
                    && !c.state().reason().equals("PodInitializing") && !c.state().reason().equals("ContainerCreating")) {
                return "Init:" + c.state().reason();
            }
            return "Init:" + i + "/" + init.size();
        }
        String status = phase;
        boolean anyRunning = false;
        for (int i = apps.size() - 1; i >= 0; i--) {
            ContainerState state = apps.get(i).state();
            if (state.is(ContainerState.Kind.WAITING) && state.reason() != null) {
                status = state.reason();
            } else if (state.is(ContainerState.Kind.TERMINATED) && state.reason() != null) {
                status = state.reason();
            } else if (state.is(ContainerState.Kind.RUNNING)) {
                anyRunning = true;
            }
        }
        if (status.equals("Completed") && anyRunning) {
            return "Running";
        }
        if (status.equals("ContainerCreating") && !init.isEmpty()) {
            return "PodInitializing";
        }
        return status;
    }
}
