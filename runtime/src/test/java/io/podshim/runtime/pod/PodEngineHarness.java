package io.podshim.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.cgroups.CgroupHost;
import io.podshim.cgroups.CgroupManager;
import io.podshim.cgroups.CgroupPath;
import io.podshim.runtime.container.BusyboxImage;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.ImportProgress;
import io.podshim.testing.HostSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A pod engine on the real kernel for each test, over one busybox image per class, with fast
 * back-offs; after each test, nothing may be left: no pod cgroup with processes, no sandbox
 * directory, no mount, process or namespace the host did not have before.
 */
abstract class PodEngineHarness {
    static final BackoffPolicy FAST = new BackoffPolicy(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMinutes(10));
    static Path base;
    static ImageStore images;
    static String cgroupRoot;

    PodEngine engine;
    private HostSnapshot before;

    @BeforeAll
    static void images() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        base = Path.of("/run/podshim-test-" + id);
        cgroupRoot = "podshim-test-" + id;
        images = new ImageStore(base.resolve("images"));
        images.importImage(BusyboxImage.create(base.resolve("busybox")), "busybox:local", ImportProgress.NONE);
    }

    @AfterAll
    static void removeAll() throws IOException {
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @BeforeEach
    void start() {
        before = HostSnapshot.take();
        engine = new PodEngine(new PodEngine.Config(base.resolve("state"), base.resolve("logs"), cgroupRoot, null, FAST), images,
                pullSettings());
    }

    @AfterEach
    void stop() throws IOException {
        engine.close(Duration.ZERO);
        CgroupManager cgroups = CgroupManager.forHost(CgroupHost.detect());
        CgroupPath root = CgroupPath.of(cgroupRoot);
        assertTrue(!cgroups.exists(root) || cgroups.pids(root).isEmpty(), "processes left in the pod cgroups");
        cgroups.remove(root, Duration.ofSeconds(10));
        // None at all when no pod of the test got as far as its sandbox.
        try (Stream<Path> left = Files.isDirectory(base.resolve("state/sandboxes")) ? Files.list(base.resolve("state/sandboxes"))
                : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "sandbox directories left");
        }
        HostSnapshot.takeAndCompare(before);
    }

    /** What the engine's pulls use: no registries.conf of the host's, unless a test says. */
    io.podshim.runtime.image.registry.PullSettings pullSettings() {
        return new io.podshim.runtime.image.registry.PullSettings(null, null,
                io.podshim.runtime.image.registry.RegistriesConf.NONE);
    }

    PodStatus await(String pod, Predicate<PodStatus> condition) throws Exception {
        // A guard against hanging, not a timing assertion.
        return engine.await(pod, condition).get(60, TimeUnit.SECONDS);
    }

    /** The text of each full record of the container's latest log (the part after time, stream and tag). */
    List<String> logLines(String pod, String container) throws IOException {
        engine.awaitLogs(pod, container, Duration.ofSeconds(2));
        List<Path> files = engine.logFiles(pod, container);
        assertFalse(files.isEmpty(), "no log for " + container);
        return Files.readAllLines(files.get(files.size() - 1)).stream().map(l -> l.split(" ", 4)[3]).toList();
    }

    static PodManifest pod(String yaml) {
        return ManifestReader.read(yaml);
    }
}
