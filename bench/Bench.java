import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.runtime.cli.ApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * podshim side by side with podman and runc on this machine, in one run (bench/run.sh prepares
 * the peers and the rootfs, then runs this with podshim.jar on the class path for Jackson).
 *
 * Every app container starts with /bin/stamp, which writes the time (CLOCK_REALTIME, ns) at which
 * the app's process runs; "request → app running" is that stamp minus the time the request was
 * sent, the same for every runtime. Memory is the summed PSS of every process a runtime added
 * (found as the pids that are new since before its pods), plus the growth of its daemon.
 *
 *   java -cp podshim.jar bench/Bench.java WORKDIR PODSHIM_JAR ROUNDS [GROWTH_LEVELS]
 */
public class Bench {
    static Path work;
    static Path jar;
    static int rounds;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static void main(String[] args) throws Exception {
        work = Path.of(args[0]);
        jar = Path.of(args[1]);
        rounds = Integer.parseInt(args[2]);
        List<Integer> levels = args.length > 3 ? List.of(args[3].split(",")).stream().map(Integer::parseInt).toList()
                : List.of(1, 10, 100, 500);
        Files.createDirectories(work.resolve("out"));
        Files.createDirectories(work.resolve("manifests"));
        Files.createDirectories(work.resolve("runc"));

        ObjectNode results = JSON.createObjectNode();
        results.put("machine", machine());
        Podshim podshim = new Podshim();
        Podman podman = new Podman();
        // Interrupted (Ctrl-C), the daemon must not outlive the run: SIGTERM makes it delete its pods.
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(podshim.daemon::destroy));
        try {
            ObjectNode latency = results.putObject("latency_ms");
            for (String shape : List.of("single", "multi")) {
                ObjectNode row = latency.putObject(shape);
                row.set("podshim", stats(startLatencies(podshim, shape, rounds)));
                if (shape.equals("single")) {
                    row.set("podman", stats(startLatencies(podman, shape, rounds)));
                } else {
                    // podman 4.3 here: kube play of this pod leaves the sidecar and the app "Created" after the
                    // init containers end, or fails to remove an ended init container ("container state
                    // improper"), intermittently; a figure from the runs that work would flatter it.
                    results.withArray("notes").add("podman is not measured on the multi-container pod: podman 4.3's"
                            + " kube play stalls or fails intermittently on pods with init containers on this machine");
                }
                row.set("runc", stats(runcLatencies(shape, rounds)));
            }
            latency.putObject("multi-native-sidecar").set("podshim", stats(startLatencies(podshim, "sidecar", rounds)));
            networked(latency.putObject("single-networked"));

            ObjectNode throughput = results.putObject("throughput_pods_per_s");
            throughput.put("podshim", throughput(podshim, 100));
            throughput.put("podman", throughput(podman, 100));

            ObjectNode growth = results.putObject("growth");
            growth.set("podshim", growth(podshim, levels));
            growth.set("podman", growth(podman, levels.stream().filter(n -> n <= 100).toList()));
        } finally {
            podman.close();
            podshim.close();
        }
        Files.writeString(work.resolve("results.json"), JSON.writeValueAsString(results));
        String markdown = markdown(results) + (results.has("notes") ? "\nNotes: " + results.get("notes").toString() + "\n" : "");
        Files.writeString(work.resolve("results.md"), markdown);
        System.out.println(markdown);
        System.out.println("JSON: " + work.resolve("results.json"));
    }

    /**
     * The one-container pod on a pod network: podshim's own bridge through CNI, podman's default
     * network; both inside a network namespace made for it, removed after.
     */
    static void networked(ObjectNode row) throws Exception {
        run(List.of("ip", "netns", "add", NETNS));
        try {
            run(List.of("ip", "-n", NETNS, "link", "set", "lo", "up"));
            try (Podshim podshim = new Podshim("-net", inBenchNetns(), "cni")) {
                row.set("podshim", stats(startLatencies(podshim, "single", rounds)));
            }
            try (Podman podman = new Podman(inBenchNetns(), true)) {
                row.set("podman", stats(startLatencies(podman, "single", rounds)));
            }
        } finally {
            run(List.of("ip", "netns", "del", NETNS));
        }
    }

    // --- the pods, the same manifests for podshim and podman ---

    static String manifest(String shape, String name) {
        String out = "  volumes: [{name: out, hostPath: {path: " + work.resolve("out") + "}}]\n";
        String app = "  - {name: app, image: IMAGE, command: [/bin/stamp, /out/" + name + ", /bin/sleep, \"100000\"],"
                + " volumeMounts: [{name: out, mountPath: /out}]}\n";
        String sidecar = "{name: sidecar, image: IMAGE, command: [/bin/sleep, \"100000\"]}";
        String inits = "  initContainers:\n"
                + "  - {name: init1, image: IMAGE, command: [/bin/true]}\n"
                + "  - {name: init2, image: IMAGE, command: [/bin/true]}\n";
        String head = "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + "}\nspec:\n  terminationGracePeriodSeconds: 0\n" + out;
        return switch (shape) {
            case "single" -> head + "  containers:\n" + app;
            // podman 4.3 has no native sidecars: the sidecar is a second app container, for both.
            case "multi" -> head + inits + "  containers:\n  - " + sidecar + "\n" + app;
            // podshim only: the sidecar as Kubernetes 1.29+ declares it, started before the app.
            default -> head + inits.replace("  - {name: init2", "  - " + sidecar.replace("{name: sidecar,",
                    "{name: sidecar, restartPolicy: Always,") + "\n  - {name: init2") + "  containers:\n" + app;
        };
    }

    interface Runtime extends AutoCloseable {
        String name();

        /** Sends the request to create {@code yaml}'s pod; returns when it is sent or answered. */
        void create(String name, String yaml) throws Exception;

        void delete(String name) throws Exception;

        List<String> cli();

        /** The daemon's pid, whose growth counts, or 0. */
        long daemon();
    }

    /** The network namespace the networked pods' node is (its bridge and rules live and go there, not on this machine's). */
    static final String NETNS = "podshim-bench";

    static List<String> inBenchNetns() {
        return List.of("nsenter", "--net=/run/netns/" + NETNS);
    }

    static final class Podshim implements Runtime {
        final Path socket;
        final Process daemon;

        /** Pods with their loopback only. */
        Podshim() throws Exception {
            this("", List.of(), "none");
        }

        /** {@code suffix} keeps this daemon's socket, state and cgroups apart; {@code prefix} runs it (nsenter). */
        Podshim(String suffix, List<String> prefix, String network) throws Exception {
            socket = work.resolve("podshim" + suffix + ".sock");
            run(List.of("java", "-jar", jar.toString(), "image", "import", work.resolve("rootfs").toString(), "bench-busybox:local",
                    "--store", work.resolve("images").toString()));
            List<String> command = new ArrayList<>(prefix);
            command.addAll(List.of("java", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                    "daemon", "--socket", socket.toString(), "--state", work.resolve("state" + suffix).toString(), "--logs",
                    work.resolve("logs" + suffix).toString(), "--store", work.resolve("images").toString(), "--cgroup-root",
                    "podshim-bench" + suffix, "--network", network));
            if (network.equals("cni")) {
                // podshim's own network, whatever podman put in /etc/cni/net.d: the bench measures podshim's bridge.
                Files.createDirectories(work.resolve("cni-conf" + suffix));
                command.addAll(List.of("--cni-conf-dir", work.resolve("cni-conf" + suffix).toString()));
            }
            Path log = work.resolve("daemon" + suffix + ".log");
            daemon = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.readString(log).contains("listening on")) {
                if (System.nanoTime() > deadline || !daemon.isAlive()) {
                    throw new IllegalStateException("the podshim daemon did not start: " + Files.readString(log));
                }
                Thread.sleep(20);
            }
        }

        public String name() {
            return "podshim";
        }

        public void create(String name, String yaml) throws Exception {
            http("POST", "/v1/pods", yaml.replace("IMAGE", "bench-busybox:local"), 201);
        }

        public void delete(String name) throws Exception {
            http("DELETE", "/v1/pods/" + name + "?gracePeriod=0", null, 200);
        }

        public List<String> cli() {
            return List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString(), "--socket",
                    socket.toString(), "get", "pods");
        }

        public long daemon() {
            return daemon.pid();
        }

        /** One API call through podshim's own CLI client (JDK-only HTTP/1.0 over the socket). */
        void http(String method, String target, String body, int expected) throws IOException {
            ApiClient.Reply reply = new ApiClient(socket).call(method, target,
                    body == null ? null : body.getBytes(StandardCharsets.UTF_8));
            if (reply.status() != expected) {
                throw new IllegalStateException(method + " " + target + ": " + reply.status() + " " + reply.message());
            }
        }

        public void close() throws Exception {
            daemon.destroy(); // SIGTERM: the daemon deletes its pods
            daemon.waitFor();
        }
    }

    static final class Podman implements Runtime {
        final Set<String> pods = new HashSet<>();
        final List<String> prefix;
        final boolean networked;

        /** Pods with their loopback only. */
        Podman() {
            this(List.of(), false);
        }

        /** With {@code networked}, podman's own network, its commands run behind {@code prefix} (nsenter). */
        Podman(List<String> prefix, boolean networked) {
            this.prefix = prefix;
            this.networked = networked;
        }

        public String name() {
            return "podman";
        }

        public void create(String name, String yaml) throws Exception {
            Path file = work.resolve("manifests").resolve(name + ".yaml");
            Files.writeString(file, yaml.replace("IMAGE", "localhost/bench-busybox:latest"));
            pods.add(name);
            List<String> play = new ArrayList<>(prefix);
            play.addAll(networked ? List.of("podman", "kube", "play", file.toString())
                    : List.of("podman", "kube", "play", "--network", "none", file.toString()));
            run(play);
        }

        public void delete(String name) throws Exception {
            // podman 4.3 sometimes fails to remove a pod whose init containers have ended ("container
            // state improper"); asking again removes it, and the time counts.
            for (int attempt = 1; ; attempt++) {
                try {
                    List<String> rm = new ArrayList<>(prefix);
                    rm.addAll(List.of("podman", "pod", "rm", "-f", "-t", "0", name));
                    run(rm);
                    break;
                } catch (IllegalStateException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
            pods.remove(name);
        }

        public List<String> cli() {
            return List.of("podman", "pod", "ps");
        }

        public long daemon() {
            return 0;
        }

        public void close() throws Exception {
            for (String pod : new ArrayList<>(pods)) {
                delete(pod);
            }
        }
    }

    // --- measurements ---

    /** Milliseconds from the request to the app's first instruction, {@code rounds} pods one after another. */
    static List<Double> startLatencies(Runtime rt, String shape, int n) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "b-" + shape + "-" + i;
            String yaml = manifest(shape, name);
            long sent = wallNanos();
            rt.create(name, yaml);
            ms.add((awaitStamp(name) - sent) / 1e6);
            rt.delete(name);
        }
        return ms;
    }

    static double throughput(Runtime rt, int n) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String name = "t-" + i;
            rt.create(name, manifest("single", name));
            awaitStamp(name);
            rt.delete(name);
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** runc run of each container in turn on the same rootfs: init1, init2 (to their end), sidecar and app (detached). */
    static List<Double> runcLatencies(String shape, int n) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "r-" + shape + "-" + i;
            List<String> ids = new ArrayList<>();
            long sent = wallNanos();
            if (shape.equals("multi")) {
                runc(name + "-init1", List.of("/bin/true"), false, ids);
                runc(name + "-init2", List.of("/bin/true"), false, ids);
                runc(name + "-sidecar", List.of("/bin/sleep", "100000"), true, ids);
            }
            runc(name + "-app", List.of("/bin/stamp", "/out/" + name, "/bin/sleep", "100000"), true, ids);
            ms.add((awaitStamp(name) - sent) / 1e6);
            for (String id : ids) {
                run(List.of("runc", "delete", "-f", id));
            }
        }
        return ms;
    }

    static void runc(String id, List<String> argv, boolean detach, List<String> ids) throws Exception {
        Path bundle = work.resolve("runc").resolve(id);
        Files.createDirectories(bundle);
        ObjectNode config = (ObjectNode) JSON.readTree(work.resolve("runc-template.json").toFile());
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        ArrayNode args = process.putArray("args");
        argv.forEach(args::add);
        ObjectNode root = (ObjectNode) config.get("root");
        root.put("path", work.resolve("rootfs").toString());
        root.put("readonly", true);
        ObjectNode mount = ((ArrayNode) config.get("mounts")).addObject();
        mount.put("destination", "/out");
        mount.put("type", "bind");
        mount.put("source", work.resolve("out").toString());
        mount.putArray("options").add("rbind").add("rw");
        JSON.writeValue(bundle.resolve("config.json").toFile(), config);
        ids.add(id);
        List<String> cmd = new ArrayList<>(List.of("runc", "run", "--bundle", bundle.toString()));
        if (detach) {
            cmd.add("-d");
        }
        cmd.add(id);
        run(cmd);
    }

    /** Memory, CLI round trip and start latency with N idle pods, N growing. */
    static ObjectNode growth(Runtime rt, List<Integer> levels) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        Set<Long> before = pids();
        long daemonBefore = rt.daemon() == 0 ? 0 : pss(rt.daemon());
        long availBefore = memAvailable();
        int running = 0;
        List<String> names = new ArrayList<>();
        for (int n : levels) {
            for (; running < n; running++) {
                String name = "g-" + running;
                rt.create(name, manifest("single", name));
                awaitStamp(name);
                names.add(name);
            }
            Thread.sleep(2000); // let the pods and the daemon settle before reading memory
            Set<Long> added = pids();
            added.removeAll(before);
            added.remove(rt.daemon());
            long addedPss = 0;
            for (long pid : added) {
                addedPss += pss(pid);
            }
            long daemonGrowth = rt.daemon() == 0 ? 0 : pss(rt.daemon()) - daemonBefore;
            ObjectNode row = out.putObject(Integer.toString(n));
            row.put("processes_added", added.size());
            row.put("pss_kib_per_pod", (addedPss + daemonGrowth) / (double) n);
            row.put("daemon_growth_kib", daemonGrowth);
            row.put("memavailable_drop_kib_per_pod", (availBefore - memAvailable()) / (double) n);
            List<Double> cli = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long t = System.nanoTime();
                run(rt.cli());
                cli.add((System.nanoTime() - t) / 1e6);
            }
            row.set("cli_ms", stats(cli));
            row.set("start_ms", stats(startLatencies(rt, "single", 10)));
        }
        for (String name : names) {
            rt.delete(name);
        }
        return out;
    }

    // --- helpers ---

    static long wallNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Waits for the app's stamp and returns it (ns since the epoch). */
    static long awaitStamp(String name) throws Exception {
        Path file = work.resolve("out").resolve(name);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            if (Files.exists(file)) {
                String text = Files.readString(file).trim();
                if (!text.isEmpty()) {
                    Files.delete(file);
                    return Long.parseLong(text);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no stamp from " + name + "'s app within 120 s");
            }
            Thread.sleep(1); // the stamp carries the time; polling adds nothing to it
        }
    }

    static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int code = p.waitFor();
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + code);
        }
    }

    static Set<Long> pids() throws IOException {
        try (var s = Files.list(Path.of("/proc"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).collect(Collectors.toCollection(HashSet::new));
        }
    }

    static long pss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException gone) {
            // exited meanwhile
        }
        return 0;
    }

    static long memAvailable() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    static ObjectNode stats(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        ObjectNode s = JSON.createObjectNode();
        s.put("n", sorted.size());
        s.put("p50", round(sorted.get((int) Math.ceil(0.50 * sorted.size()) - 1)));
        s.put("p95", round(sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1)));
        s.put("min", round(sorted.get(0)));
        return s;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static String machine() throws Exception {
        return host() + ", " + version("podman", "--version") + ", " + version("runc", "--version");
    }

    /** The machine and the JVM, without any peer's version. */
    static String host() throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("?");
        long cpus = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        long memKib = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
        return cpus + " vCPU (" + cpu + "), " + (memKib >> 20) + " GiB, Linux " + kernel + ", Java "
                + System.getProperty("java.version");
    }

    static String version(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
        p.waitFor();
        return first;
    }

    static String markdown(ObjectNode r) {
        StringBuilder md = new StringBuilder("Machine: " + r.get("machine").asText() + "\n\n");
        md.append("### Pod start latency, request → app running (ms)\n\n")
                .append("| pod | podshim p50 / p95 | podman p50 / p95 | runc p50 / p95 | podman ÷ podshim (p50) | runc ÷ podshim (p50) |\n")
                .append("|---|---|---|---|---|---|\n");
        r.get("latency_ms").fields().forEachRemaining(e -> {
            var row = e.getValue();
            double ps = row.get("podshim").get("p50").asDouble();
            md.append("| ").append(e.getKey()).append(" | ").append(pair(row.get("podshim")))
                    .append(" | ").append(row.has("podman") ? pair(row.get("podman")) : "–")
                    .append(" | ").append(row.has("runc") ? pair(row.get("runc")) : "–")
                    .append(" | ").append(row.has("podman") ? ratio(row.get("podman").get("p50").asDouble(), ps) : "–")
                    .append(" | ").append(row.has("runc") ? ratio(row.get("runc").get("p50").asDouble(), ps) : "–").append(" |\n");
        });
        var t = r.get("throughput_pods_per_s");
        md.append("\n### Throughput, 100 pods started and deleted in a row\n\n| podshim | podman | podshim ÷ podman |\n|---|---|---|\n")
                .append(String.format("| %.1f pods/s | %.1f pods/s | %s |%n", t.get("podshim").asDouble(), t.get("podman").asDouble(),
                        ratio(t.get("podshim").asDouble(), t.get("podman").asDouble())));
        md.append("\n### Growth with N idle pods\n\n")
                .append("| N | runtime | memory per pod (PSS KiB) | daemon growth (KiB) | MemAvailable drop per pod (KiB) | CLI round trip p50 (ms) | start p50 (ms) |\n")
                .append("|---|---|---|---|---|---|---|\n");
        Map<String, Map<String, com.fasterxml.jackson.databind.JsonNode>> byN = new LinkedHashMap<>();
        r.get("growth").fields().forEachRemaining(rt -> rt.getValue().fields().forEachRemaining(n ->
                byN.computeIfAbsent(n.getKey(), k -> new LinkedHashMap<>()).put(rt.getKey(), n.getValue())));
        byN.forEach((n, rts) -> rts.forEach((rt, row) -> md.append(String.format("| %s | %s | %.0f | %d | %.0f | %.1f | %.1f |%n", n, rt,
                row.get("pss_kib_per_pod").asDouble(), row.get("daemon_growth_kib").asLong(),
                row.get("memavailable_drop_kib_per_pod").asDouble(), row.get("cli_ms").get("p50").asDouble(),
                row.get("start_ms").get("p50").asDouble()))));
        return md.toString();
    }

    static String pair(com.fasterxml.jackson.databind.JsonNode s) {
        return s.get("p50").asText() + " / " + s.get("p95").asText();
    }

    static String ratio(double a, double b) {
        return b == 0 ? "–" : String.format("%.2f×", a / b);
    }
}
