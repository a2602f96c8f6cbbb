package io.podshim.runtime.cli;

import io.podshim.runtime.container.BusyboxImage;
import io.podshim.runtime.daemon.Daemon;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.ImportProgress;
import io.podshim.runtime.pod.BackoffPolicy;
import io.podshim.runtime.pod.PodStatus;
import io.podshim.testing.HostSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A real daemon for each test, on a socket and state directory of its own, with one busybox image
 * and fast back-offs; after each test, nothing of it may be left on the host.
 */
abstract class DaemonHarness {
    record Result(int code, String out, String err) {}

    Path base;
    Daemon daemon;
    private HostSnapshot before;

    @BeforeEach
    void startDaemon() throws Exception {
        before = HostSnapshot.take();
        String id = UUID.randomUUID().toString().substring(0, 8);
        base = Path.of("/run/podshim-test-" + id);
        new ImageStore(base.resolve("images")).importImage(BusyboxImage.create(base.resolve("busybox")), "busybox:local", ImportProgress.NONE);
        daemon = Daemon.start(options(new Daemon.Options(base.resolve("podshim.sock"), null, base.resolve("state"), base.resolve("logs"),
                base.resolve("images"), "podshim-test-" + id, new BackoffPolicy(Duration.ofMillis(100), Duration.ofMillis(400),
                Duration.ofMinutes(10)), base.resolve("manifests"))));
    }

    /** The daemon's options: a test class that needs more (the page, say) adds it here. */
    Daemon.Options options(Daemon.Options defaults) {
        return defaults;
    }

    @AfterEach
    void stopDaemon() throws Exception {
        daemon.close();
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
        HostSnapshot.takeAndCompare(before);
    }

    Path socket() {
        return base.resolve("podshim.sock");
    }

    /** The CLI, in this JVM, against this test's daemon. */
    Result cli(String... args) {
        return cliAt(socket(), args);
    }

    static Result cliAt(Path socket, String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString()));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.main(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path manifest(String yaml) throws IOException {
        return Files.writeString(base.resolve(UUID.randomUUID() + ".yaml"), yaml);
    }

    /** Applies {@code yaml} and waits until {@code until} holds for pod {@code name} (bounded: a guard, not a timing assertion). */
    PodStatus applyAndAwait(String name, String yaml, Predicate<PodStatus> until) throws Exception {
        Result applied = cli("apply", "-f", manifest(yaml).toString());
        if (applied.code() != 0) {
            throw new AssertionError("apply: " + applied);
        }
        return daemon.engine().await(name, until).get(60, TimeUnit.SECONDS);
    }

    static boolean running(PodStatus s) {
        return s.display().equals("Running");
    }
}
