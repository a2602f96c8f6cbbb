package io.podshim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.cgroups.CgroupHost;
import io.podshim.cgroups.CgroupManager;
import io.podshim.cgroups.CgroupPath;
import io.podshim.testcontainers.PodshimContainer;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.Container;

/**
 * One podshim container per story class; once it is stopped, none of its pods' cgroups may be left
 * in the host's hierarchies (the container binds them).
 */
@DockerTest
abstract class PodshimStories {
    static PodshimContainer podshim;

    @BeforeAll
    static void start() {
        podshim = new PodshimContainer();
        podshim.start();
    }

    @AfterAll
    static void stop() {
        if (podshim == null) {
            return;
        }
        String root = podshim.cgroupRoot();
        podshim.close();
        assertFalse(CgroupManager.forHost(CgroupHost.detect()).exists(CgroupPath.of(root)),
                "the pods' cgroups are removed when the container stops: " + root);
    }

    /** {@code podshim ARGS…} inside the container, which must succeed; its standard output. */
    static String cli(String... args) {
        Container.ExecResult r = podshim.cli(args);
        assertEquals(0, r.getExitCode(), String.join(" ", args) + ": " + r.getStderr());
        return r.getStdout();
    }

    static List<String> logLines(String pod, String container) {
        return cli("logs", pod, "-c", container).lines().toList();
    }

    /** Waits for something a container will make true (bounded: a guard against hanging, not a timing check). */
    static void await(BooleanSupplier condition, String what) {
        assertTrue(PodshimContainer.until(Duration.ofMinutes(1), condition), what + ": not within a minute");
    }
}
