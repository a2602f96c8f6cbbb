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
        Daemon.Options o = Daemon.Options.defaults();
        for (int i = 1; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                err.println("podshim daemon: " + args[i] + " needs a value");
                return 2;
            }
            switch (args[i++]) {
                case "--socket" -> o = new Daemon.Options(Path.of(value), o.socketGroup(), o.state(), o.logs(), o.images(), o.cgroupRoot(), o.backoff(), o.manifests());
                case "--socket-group" -> o = new Daemon.Options(o.socket(), value, o.state(), o.logs(), o.images(), o.cgroupRoot(), o.backoff(), o.manifests());
                case "--state" -> o = new Daemon.Options(o.socket(), o.socketGroup(), Path.of(value), o.logs(), o.images(), o.cgroupRoot(), o.backoff(), o.manifests());
                case "--logs" -> o = new Daemon.Options(o.socket(), o.socketGroup(), o.state(), Path.of(value), o.images(), o.cgroupRoot(), o.backoff(), o.manifests());
                case "--store" -> o = new Daemon.Options(o.socket(), o.socketGroup(), o.state(), o.logs(), Path.of(value), o.cgroupRoot(), o.backoff(), o.manifests());
                case "--manifests" -> o = new Daemon.Options(o.socket(), o.socketGroup(), o.state(), o.logs(), o.images(), o.cgroupRoot(), o.backoff(), Path.of(value));
                default -> {
                    err.println("usage: podshim daemon [--socket PATH] [--socket-group GROUP] [--state DIR] [--logs DIR] [--store DIR] [--manifests DIR]");
                    return 2;
                }
            }
        }
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
