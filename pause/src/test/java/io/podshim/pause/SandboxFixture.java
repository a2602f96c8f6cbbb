package io.podshim.pause;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** A pause installed in a root-owned test directory under /run, and a fresh state root; removed by close. */
final class SandboxFixture implements AutoCloseable {
    final Path base;
    final Path pause;
    final Sandboxes sandboxes;

    SandboxFixture() {
        base = Path.of("/run/podshim-test-" + UUID.randomUUID().toString().substring(0, 8));
        pause = PauseBinary.install(base.resolve("bin"));
        sandboxes = new Sandboxes(base.resolve("sandboxes"), pause, Duration.ofSeconds(10));
    }

    /** A second owner of the same state, as a daemon restarted after a crash would be. */
    Sandboxes restartedOwner() {
        return new Sandboxes(base.resolve("sandboxes"), pause, Duration.ofSeconds(10));
    }

    static String uid() {
        return UUID.randomUUID().toString();
    }

    @Override
    public void close() throws IOException {
        for (String uid : sandboxes.podUids()) {
            sandboxes.destroy(uid);
        }
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
