package io.podshim.runtime;

import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.pod.BackoffPolicy;
import io.podshim.runtime.pod.ContainerStatus;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.pod.PodManifest;
import io.podshim.runtime.pod.PodStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code podshim run -f POD.yaml}: runs one pod in the foreground with an embedded engine, no daemon
 * needed. It prints each status change and every container's output as it comes, shows which
 * namespaces the pod's processes share once it runs, and ends with the pod: exit code 0 when it
 * Succeeded, else the failed container's exit code. On exit or Ctrl-C the pod is deleted and
 * everything it made is removed.
 */
final class RunCommand {
    private RunCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        Path images = ImageCommand.DEFAULT_STORE;
        for (int i = 1; i < args.length; i++) {
            if ((args[i].equals("-f") || args[i].equals("--filename")) && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].equals("--store") && i + 1 < args.length) {
                images = Path.of(args[++i]);
            } else {
                err.println("usage: podshim run -f POD.yaml [--store DIR]   (the file: one Pod, and its ConfigMaps, Secrets, claims)");
                return 2;
            }
        }
        if (file == null) {
            err.println("usage: podshim run -f POD.yaml [--store DIR]");
            return 2;
        }
        PodManifest manifest = null;
        List<io.podshim.runtime.pod.ObjectReader.Document> objects = new ArrayList<>();
        try {
            // One Pod, and the ConfigMaps, Secrets and claims it uses, in one file (as podman kube play takes them).
            for (String doc : io.podshim.runtime.cli.Cli.documents(file)) {
                io.podshim.runtime.pod.ObjectReader.Document read = io.podshim.runtime.pod.ObjectReader.read(doc);
                if (read.pod() == null) {
                    objects.add(read);
                } else if (manifest != null) {
                    err.println("podshim: " + file + ": it holds more than one Pod: run runs one (the daemon's apply takes many)");
                    return 1;
                } else {
                    manifest = read.pod();
                }
            }
            if (manifest == null) {
                err.println("podshim: " + file + ": no Pod in it: give one Pod (and the ConfigMaps, Secrets and claims it uses)");
                return 1;
            }
        } catch (IOException e) {
            err.println("podshim: read " + file + ": " + e.getMessage());
            return 1;
        } catch (PodException e) {
            err.println("podshim: " + file + ": " + e.getMessage());
            return 1;
        }
        Path state = Path.of("/run/podshim/run-" + manifest.uid());
        // Claims outlive the run, beside the image store, as the daemon keeps them.
        PodEngine engine = new PodEngine(new PodEngine.Config(state, state.resolve("logs"), "podshim", null,
                BackoffPolicy.KUBERNETES, io.podshim.runtime.network.NetworkSettings.none(), null,
                images.toAbsolutePath().getParent().resolve("volumes")), new ImageStore(images));
        Duration grace = Duration.ofSeconds(manifest.spec().terminationGracePeriodSeconds());
        Thread cleanup = new Thread(() -> {
            engine.close(grace);
            removeTree(state);
        }, "run-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            for (io.podshim.runtime.pod.ObjectReader.Document object : objects) {
                engine.applyObject(object);
            }
            PodStatus status = engine.run(manifest);
            return follow(engine, status, out);
        } catch (PodException e) {
            err.println("podshim: " + e.getMessage());
            return 1;
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            cleanup.run();
        }
    }

    private static int follow(PodEngine engine, PodStatus first, PrintStream out) {
        String name = first.name();
        LogFollower logs = new LogFollower(engine, name, out);
        out.printf("pod/%s created: pause %d, cgroup %s, QoS %s%n", name, first.pausePid(), first.cgroup(), first.qosClass());
        String shown = "";
        boolean tableShown = false;
        PodStatus status = first;
        while (true) {
            if (!status.display().equals(shown)) {
                shown = status.display();
                out.printf("pod/%s: %s%n", name, shown);
            }
            logs.drain();
            if (!tableShown && status.phase().equals("Running") && status.pausePid() > 0) {
                tableShown = true;
                printTable(out, status);
            }
            if (status.finished()) {
                break;
            }
            String seen = shown;
            try {
                // Wake on the next status change, or every 200 ms to show new log lines.
                status = engine.await(name, s -> !s.display().equals(seen) || s.finished()).get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                status = engine.status(name).orElse(status);
            } catch (Exception e) {
                throw new PodException("follow pod " + name + ": " + e, e);
            }
        }
        for (ContainerStatus c : all(status)) {
            engine.awaitLogs(name, c.name(), Duration.ofSeconds(2));
        }
        logs.drain();
        out.println();
        for (ContainerStatus c : all(status)) {
            // The message too, as describe shows it: "StartError" alone does not say what to fix.
            String message = c.state().message() == null || c.state().message().isBlank() ? "" : ": " + c.state().message();
            out.printf("  %-14s %s%s%s%n", c.name(), c.state().kind().name().toLowerCase(),
                    c.state().reason() == null ? "" : " (" + c.state().reason() + ", exit code " + c.state().exitCode() + message + ")",
                    c.restartCount() == 0 ? "" : ", restarts " + c.restartCount());
        }
        out.printf("pod/%s %s%n", name, status.phase());
        if (status.phase().equals("Succeeded")) {
            return 0;
        }
        return status.containers().stream().map(c -> c.state().exitCode()).filter(code -> code != null && code != 0)
                .findFirst().orElse(1);
    }

    private static void printTable(PrintStream out, PodStatus status) {
        Map<String, Long> columns = new LinkedHashMap<>();
        columns.put("host", ProcessHandle.current().pid());
        columns.put("pause", (long) status.pausePid());
        for (ContainerStatus c : all(status)) {
            if (c.pid() > 0) {
                columns.put(c.name(), (long) c.pid());
            }
        }
        out.println();
        NamespaceTable.print(out, columns);
        out.println();
    }

    private static List<ContainerStatus> all(PodStatus status) {
        List<ContainerStatus> all = new ArrayList<>(status.initContainers());
        all.addAll(status.containers());
        return all;
    }

    private static void removeTree(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            // best effort: the logs of a finished pod
        }
    }
}
