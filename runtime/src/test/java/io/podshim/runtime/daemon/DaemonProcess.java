package io.podshim.runtime.daemon;

import io.podshim.testing.Patience;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A podshim daemon as a process of its own, started as a user starts it (optionally behind a
 * prefix such as {@code nsenter --net=…}), with what it prints kept for the message of a test that
 * gives up on it.
 */
public final class DaemonProcess implements AutoCloseable {
    private static final Duration PATIENCE = Patience.of(Duration.ofSeconds(60));

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private DaemonProcess(Process process) {
        this.process = process;
    }

    /** {@code prefix} (may be empty) then java running podshim's daemon with {@code args}; returns once it listens. */
    public static DaemonProcess start(List<String> prefix, List<String> args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java, "-cp", classpath, "io.podshim.runtime.Main", "daemon"));
        command.addAll(args);
        if (!args.contains("--cri-socket")) {
            // Without the CRI unless a test asks for it: gRPC's start is a third of a daemon's in the emulated v2 VM.
            command.addAll(List.of("--cri-socket", "none"));
        }
        DaemonProcess daemon = new DaemonProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(daemon.process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    daemon.lines.add(line);
                }
            } catch (IOException e) {
                daemon.lines.add("read: " + e);
            }
        }, "daemon-output");
        reader.setDaemon(true);
        reader.start();
        while (daemon.output().stream().noneMatch(l -> l.contains("listening on"))) {
            String line = daemon.lines.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            if (line == null || !daemon.process.isAlive() && daemon.lines.isEmpty()) {
                daemon.close();
                throw new IllegalStateException("the daemon did not start within " + PATIENCE.toSeconds() + " s: " + daemon.output());
            }
            daemon.seen.add(line);
        }
        return daemon;
    }

    /** What it has printed so far. */
    public synchronized List<String> output() {
        lines.drainTo(seen);
        return List.copyOf(seen);
    }

    /** SIGKILL: no shutdown hook, no clean-up; returns its exit code. */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    /** SIGTERM (the daemon deletes its pods), SIGKILL if it does not end in time. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        process.destroyForcibly().waitFor();
    }
}
