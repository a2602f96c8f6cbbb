package io.podshim.runtime;

import io.podshim.runtime.daemon.Daemon;
import java.io.PrintStream;
import java.nio.file.Path;

/** {@code podshim daemon [--socket PATH] [--socket-group GROUP] [--state DIR] [--logs DIR] [--store DIR] [--manifests DIR]}. */
final class DaemonCommand {
    private DaemonCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        // Before Jetty loads: its INFO chatter is noise; warnings and errors are worth seeing.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("podshim.log.level", "warn"));
        Daemon.Options d = Daemon.Options.defaults();
        Path socket = d.socket();
        String group = d.socketGroup();
        Path state = d.state();
        Path logs = d.logs();
        Path store = d.images();
        Path manifests = d.manifests();
        for (int i = 1; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                err.println("podshim daemon: " + args[i] + " needs a value");
                return 2;
            }
            switch (args[i++]) {
                case "--socket" -> socket = Path.of(value);
                case "--socket-group" -> group = value;
                case "--state" -> state = Path.of(value);
                case "--logs" -> logs = Path.of(value);
                case "--store" -> store = Path.of(value);
                case "--manifests" -> manifests = Path.of(value);
                default -> {
                    err.println("usage: podshim daemon [--socket PATH] [--socket-group GROUP] [--state DIR] [--logs DIR] [--store DIR] [--manifests DIR]");
                    return 2;
                }
            }
        }
        Daemon.Options o = new Daemon.Options(socket, group, state, logs, store, d.cgroupRoot(), d.backoff(), manifests);
        Daemon daemon;
        try {
            daemon = Daemon.start(o);
        } catch (PodException e) {
            err.println("podshim daemon: " + e.getMessage());
            return 1;
        }
        if (!daemon.cleanedUp().isEmpty()) {
            out.println("podshim daemon: removed " + daemon.cleanedUp().size() + " pod sandbox(es) an earlier daemon left");
        }
        out.println("podshim daemon: listening on " + o.socket());
        Thread stop = new Thread(() -> {
            try {
                daemon.close();
            } catch (Exception e) {
                err.println("podshim daemon: stop: " + e);
            }
        }, "daemon-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        daemon.join();
        return 0;
    }
}
