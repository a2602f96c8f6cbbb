package io.podshim.testcontainers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import io.podshim.runtime.cli.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * podshim in a Docker container, for tests of pods against a real runtime: the daemon runs inside
 * (as a service that comes back if it dies), and the test drives it through its HTTP API (whose unix
 * socket is bound to a directory of the host) and through the {@code podshim} command line.
 *
 * <pre>{@code
 * try (PodshimContainer podshim = new PodshimContainer().withPod(Path.of("web.yaml"))) {
 *     podshim.start();
 *     JsonNode web = podshim.awaitPod("web", pod -> PodshimContainer.status(pod).equals("Running"));
 *     String table = podshim.cli("get", "pods").getStdout();
 * }
 * }</pre>
 *
 * <p>The rights it runs with are what podshim needs to make namespaces, mounts and cgroups:
 * {@code --privileged} if {@link #withPrivilegedMode} asks for it, else every capability but
 * CAP_SYS_RESOURCE (which some hosts cannot grant, and podshim does not need), seccomp and AppArmor
 * unconfined, {@code /sys/fs/cgroup} bound read-write in the host's cgroup namespace, network
 * {@code none}, a tmpfs on {@code /run}
 * (pods' writable layers need a file system that overlayfs takes as upper layer), and Docker's init
 * as PID 1, to reap the container shims a killed daemon leaves behind. Its pods' cgroups go under
 * {@link #cgroupRoot()} of the host's hierarchies; stopping the container stops the daemon
 * gracefully first, which deletes the pods and removes those cgroups.
 */
public class PodshimContainer extends GenericContainer<PodshimContainer> {
    public static final String IMAGE = "podshim-it:latest";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String cgroupRoot = "podshim-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path apiDir;
    private final List<String> pods = new ArrayList<>();
    private boolean privileged;
    private String backoff = "100ms:2s";

    /** The image built from this checkout, once per JVM: every container of a test run shares it. */
    private static Future<String> localImage;

    /** On the image built from this checkout ({@link PodshimImage}), with podshim.jar from {@code podshim.jar}. */
    public PodshimContainer() {
        this(localImage());
    }

    private static synchronized Future<String> localImage() {
        if (localImage == null) {
            localImage = PodshimImage.image(IMAGE, Path.of(System.getProperty("podshim.jar", "../runtime/target/podshim.jar")),
                    Path.of(System.getProperty("podshim.image.dir", "target/podshim-image")));
        }
        return localImage;
    }

    public PodshimContainer(Future<String> image) {
        super(image);
        try {
            apiDir = Files.createTempDirectory("podshim-api-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        withCreateContainerCmdModifier(cmd -> {
            HostConfig host = cmd.getHostConfig();
            // The host's cgroup namespace: on a v2 host Docker's default is a private one rooted at the
            // container's own cgroup, and podshim's cgroups belong under the host's root, where it moves
            // its pods' processes (a move across a namespace root is refused under nsdelegate).
            host.withInit(true).withNetworkMode("none").withCgroupnsMode("host")
                    .withTmpFs(Map.of("/run", "rw,exec,suid,dev,size=1g"))
                    .withBinds(new Bind("/sys/fs/cgroup", new Volume("/sys/fs/cgroup"), AccessMode.rw),
                            new Bind(apiDir.toString(), new Volume("/run/podshim-api"), AccessMode.rw));
            if (privileged) {
                host.withPrivileged(true);
            } else {
                host.withCapAdd(Capability.ALL).withCapDrop(Capability.SYS_RESOURCE)
                        .withSecurityOpts(List.of("seccomp=unconfined", "apparmor=unconfined"));
            }
        });
        waitingFor(new DaemonAnswers());
    }

    /** {@code --privileged} instead of the explicit rights (for hosts that can grant every capability). */
    public PodshimContainer withPrivilegedMode() {
        this.privileged = true;
        return self();
    }

    /** A pod to apply once the daemon answers (YAML or JSON). */
    public PodshimContainer withPod(String manifest) {
        pods.add(manifest);
        return self();
    }

    public PodshimContainer withPod(Path manifest) {
        try {
            return withPod(Files.readString(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The daemon's restart back-off, INITIAL:MAX (Kubernetes: 10s:300s; here 100ms:2s by default, for tests). */
    public PodshimContainer withBackoff(String initialAndMax) {
        this.backoff = initialAndMax;
        return self();
    }

    @Override
    protected void configure() {
        withEnv("PODSHIM_DAEMON_ARGS", "--cgroup-root " + cgroupRoot + " --backoff " + backoff);
    }

    @Override
    protected void containerIsStarted(InspectContainerResponse info) {
        pods.forEach(this::apply);
    }

    /**
     * Before the container goes: SIGTERM to the service (Docker's init passes it on), which stops the
     * daemon gracefully; wait until the container has exited, so the pods and their cgroups are gone.
     */
    @Override
    protected void containerIsStopping(InspectContainerResponse info) {
        try {
            execInContainer("kill", "-TERM", "1");
            until(Duration.ofSeconds(90), () -> !Boolean.TRUE.equals(getDockerClient().inspectContainerCmd(getContainerId())
                    .exec().getState().getRunning()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            logger().warn("podshim did not stop gracefully: {}", e.toString());
        }
    }

    @Override
    public void close() {
        super.close();
        try {
            Files.deleteIfExists(apiDir.resolve("podshim.sock"));
            Files.deleteIfExists(apiDir);
        } catch (IOException e) {
            logger().warn("remove {}: {}", apiDir, e.toString());
        }
    }

    /** The name under which this container's pods get their cgroups, in every hierarchy of the host. */
    public String cgroupRoot() {
        return cgroupRoot;
    }

    /** The daemon's API, through its socket as the host sees it. */
    public ApiClient api() {
        return new ApiClient(apiDir.resolve("podshim.sock"));
    }

    /** kubectl's STATUS word for {@code pod} (a v1 Pod): Running, Init:1/2, CrashLoopBackOff, Completed… */
    public static String status(JsonNode pod) {
        return pod.path("metadata").path("annotations").path("podshim.io/status").asText();
    }

    /** POST /v1/pods: the pod as created (a v1 Pod). */
    public JsonNode apply(String manifest) {
        return json(call("POST", "/v1/pods", manifest.getBytes(StandardCharsets.UTF_8)), "apply");
    }

    /**
     * POST /v1/objects?apply=true: one document of any kind podshim serves (a Pod, ConfigMap,
     * Secret or PersistentVolumeClaim), created or updated as kubectl apply does; its answer
     * {@code {"kind": …, "name": …, "action": created|configured|unchanged}}.
     */
    public JsonNode applyObject(String document) {
        return json(call("POST", "/v1/objects?apply=true", document.getBytes(StandardCharsets.UTF_8)), "apply");
    }

    /** GET /v1/pods/NAME: the pod, a v1 Pod (metadata, spec, status). */
    public JsonNode pod(String name) {
        return json(call("GET", "/v1/pods/" + name, null), "get pod " + name);
    }

    /**
     * Waits (up to two minutes) until {@code condition} holds for pod {@code name} (a v1 Pod), and
     * returns the pod then: on the daemon's watch, each change as it happens, not by looking again.
     */
    public JsonNode awaitPod(String name, Predicate<JsonNode> condition) {
        JsonNode[] last = {null};
        final class Reached extends RuntimeException {
            Reached() {
                super(null, null, false, false);
            }
        }
        java.io.OutputStream lines = new java.io.OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public void write(int b) throws IOException {
                if (b != '\n') {
                    line.write(b);
                    return;
                }
                JsonNode event = JSON.readTree(line.toByteArray());
                line.reset();
                if (!event.path("type").asText().equals("DELETED")) {
                    last[0] = event.path("object");
                    if (condition.test(last[0])) {
                        throw new Reached();
                    }
                }
            }
        };
        try {
            int status = api().call("GET", "/v1/pods?watch=true&timeoutSeconds=120&name=" + name, null,
                    code -> code == 200 ? lines : java.io.OutputStream.nullOutputStream());
            throw new AssertionError("pod " + name + " did not reach the state awaited within 2 minutes (watch: HTTP " + status
                    + "); last seen: " + last[0]);
        } catch (Reached reached) {
            return last[0];
        } catch (IOException e) {
            throw new UncheckedIOException("watch pod " + name + ": " + e.getMessage(), e);
        }
    }


    /** The {@code podshim} command inside the container, as a user types it. */
    public Container.ExecResult cli(String... args) {
        List<String> command = new ArrayList<>(List.of("podshim"));
        command.addAll(List.of(args));
        try {
            return execInContainer(command.toArray(String[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The daemon's pid inside the container. */
    public int daemonPid() {
        try {
            return Integer.parseInt(execInContainer("cat", "/run/podshimd.pid").getStdout().strip());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("read the daemon's pid: " + e, e);
        }
    }

    /**
     * SIGKILLs the daemon, as a crash would, and waits until the next one (started by the service)
     * answers; its pods should have been taken over. Returns the new daemon's pid.
     */
    public int killDaemon() {
        int old = daemonPid();
        try {
            execInContainer("kill", "-KILL", Integer.toString(old));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("kill the daemon: " + e, e);
        }
        if (!until(Duration.ofMinutes(1), () -> daemonPid() != old && answers())) {
            throw new AssertionError("no daemon answered within a minute after " + old + " was killed");
        }
        return daemonPid();
    }

    private boolean answers() {
        try {
            return api().call("GET", "/v1/pods", null).ok();
        } catch (IOException e) {
            return false;
        }
    }

    private ApiClient.Reply call(String method, String target, byte[] body) {
        try {
            return api().call(method, target, body);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode json(ApiClient.Reply r, String what) {
        if (!r.ok()) {
            throw new IllegalStateException(what + ": HTTP " + r.status() + ": " + r.message());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": not JSON: " + r.body(), e);
        }
    }

    /**
     * Checks {@code condition} every 100 ms until it holds (true) or {@code limit} has passed (false):
     * what the daemon and Docker offer here is state to look at, not events to wait on.
     */
    public static boolean until(Duration limit, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return true;
    }

    /** Started means: the daemon answers on its socket (it has imported the busybox image by then). */
    private final class DaemonAnswers extends AbstractWaitStrategy {
        @Override
        protected void waitUntilReady() {
            if (until(startupTimeout, () -> answers() || !isRunning()) && answers()) {
                return;
            }
            if (!isRunning()) {
                throw new ContainerLaunchException("podshim's container ended before the daemon answered: " + getLogs());
            }
            throw new ContainerLaunchException("the podshim daemon did not answer within " + startupTimeout + ": " + getLogs());
        }
    }
}
