package io.podshim.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodList;
import io.podshim.runtime.pod.PodStatus;
import io.podshim.testing.HostTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The commands and objects a kubectl user expects, against a real daemon: v1 Pods, Lists and
 * Events read by a Kubernetes model library, kubectl's output forms and selectors, the watch, logs'
 * options, apply's updates as Kubernetes allows them, admission, and the delete forms.
 */
@HostTest
class KubectlHostTest extends DaemonHarness {
    /** Strict on types; unknown fields are caught below, as the model keeps them aside rather than fail. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final ObjectMapper YAML = new YAMLMapper();

    private static final String WEB = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels: {app: web, tier: front}
              annotations: {owner: lab}
            spec:
              terminationGracePeriodSeconds: 1
              initContainers: [{name: prep, image: busybox:local, command: [sh, -c, "echo prepared"]}]
              containers:
              - {name: app, image: busybox:local, command: [sh, -c, "for i in 1 2 3 4 5; do echo line $i; done; exec sleep 3600"]}
              - {name: side, image: busybox:local, command: [sleep, "3600"]}
            """;

    private static final String DB = """
            apiVersion: v1
            kind: Pod
            metadata: {name: db, labels: {app: db, tier: back}}
            spec:
              terminationGracePeriodSeconds: 1
              containers: [{name: db, image: busybox:local, command: [sleep, "3600"]}]
            """;

    /** The fields of {@code object} (a model object, a list, …) the Kubernetes model did not know: none, for our output. */
    private static List<String> unknownFields(Object object, String path) throws Exception {
        List<String> unknown = new ArrayList<>();
        if (object instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknown.addAll(unknownFields(list.get(i), path + "[" + i + "]"));
            }
        } else if (object instanceof Map<?, ?> map) {
            for (var e : map.entrySet()) {
                unknown.addAll(unknownFields(e.getValue(), path + "." + e.getKey()));
            }
        } else if (object != null && object.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            for (Method m : object.getClass().getMethods()) {
                if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
                    continue;
                }
                Object value = m.invoke(object);
                if (m.getName().equals("getAdditionalProperties")) {
                    ((Map<?, ?>) value).keySet().forEach(k -> unknown.add(path + "." + k));
                } else if (!(value instanceof io.fabric8.kubernetes.api.model.Quantity)) {
                    unknown.addAll(unknownFields(value, path + "." + m.getName().substring(3)));
                }
            }
        }
        return unknown;
    }

    private static PodCondition condition(Pod pod, String type) {
        return pod.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void aPodIsAV1PodListsAreListsAndEventsAreEventsAsAKubernetesLibraryReadsThem() throws Exception {
        applyAndAwait("web", WEB, DaemonHarness::running);
        Result got = cli("get", "pod", "web", "-o", "json");
        assertEquals(0, got.code(), got.toString());
        Pod pod = JSON.readValue(got.out(), Pod.class);
        assertEquals(List.of(), unknownFields(pod, "pod"), "every field is one of v1.Pod's: " + got.out());
        assertEquals("v1", pod.getApiVersion());
        assertEquals("Pod", pod.getKind());
        assertEquals("web", pod.getMetadata().getName());
        assertEquals("default", pod.getMetadata().getNamespace());
        assertEquals(daemon.engine().status("web").orElseThrow().uid(), pod.getMetadata().getUid());
        assertEquals(Map.of("app", "web", "tier", "front"), pod.getMetadata().getLabels());
        assertEquals("lab", pod.getMetadata().getAnnotations().get("owner"));
        assertNotNull(pod.getMetadata().getCreationTimestamp());
        assertEquals(1L, pod.getMetadata().getGeneration());
        // The spec as submitted, with the API server's defaults in.
        assertEquals("Always", pod.getSpec().getRestartPolicy());
        assertEquals("ClusterFirst", pod.getSpec().getDnsPolicy());
        assertEquals("IfNotPresent", pod.getSpec().getContainers().get(0).getImagePullPolicy());
        assertEquals("/dev/termination-log", pod.getSpec().getContainers().get(1).getTerminationMessagePath());
        assertEquals(List.of("sleep", "3600"), pod.getSpec().getContainers().get(1).getCommand());
        // The status as kubelet reports it.
        assertEquals("Running", pod.getStatus().getPhase());
        assertEquals("BestEffort", pod.getStatus().getQosClass());
        for (String type : List.of("PodScheduled", "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready")) {
            assertEquals("True", condition(pod, type).getStatus(), type);
            assertNotNull(condition(pod, type).getLastTransitionTime(), type);
        }
        ContainerStatus prep = pod.getStatus().getInitContainerStatuses().get(0);
        assertEquals("Completed", prep.getState().getTerminated().getReason());
        assertEquals(0, prep.getState().getTerminated().getExitCode());
        assertTrue(prep.getContainerID().startsWith("podshim://"), prep.getContainerID());
        for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
            assertNotNull(c.getState().getRunning(), c.getName() + " runs");
            assertTrue(c.getReady() && c.getStarted(), c.getName());
            assertEquals(0, c.getRestartCount());
            assertEquals("busybox:local", c.getImage());
            assertFalse(c.getImageID().isEmpty(), c.getName());
        }
        assertNotEquals(pod.getStatus().getContainerStatuses().get(0).getContainerID(),
                pod.getStatus().getContainerStatuses().get(1).getContainerID(), "an id per container");
        // podshim's own are annotations: kubectl's STATUS word, the pause and each container's pid.
        PodStatus status = daemon.engine().status("web").orElseThrow();
        assertEquals("Running", pod.getMetadata().getAnnotations().get("podshim.io/status"));
        assertEquals(Integer.toString(status.pausePid()), pod.getMetadata().getAnnotations().get("podshim.io/pause-pid"));
        assertEquals(Integer.toString(status.containers().get(0).pid()), pod.getMetadata().getAnnotations().get("podshim.io/pid.app"));

        PodList list = YAML.readValue(cli("get", "pods", "-o", "yaml").out(), PodList.class);
        assertEquals("List", list.getKind());
        assertEquals(List.of("web"), list.getItems().stream().map(p -> p.getMetadata().getName()).toList());
        assertEquals(List.of(), unknownFields(list, "list"));

        EventList events = JSON.readValue(cli("get", "events", "-o", "json").out(), EventList.class);
        assertEquals(List.of(), unknownFields(events, "events"));
        assertTrue(events.getItems().stream().anyMatch(e -> e.getReason().equals("Started")
                && "spec.containers{side}".equals(e.getInvolvedObject().getFieldPath()) && e.getInvolvedObject().getName().equals("web")),
                "kubelet's Started event for the side container");
        String table = cli("get", "events").out();
        assertTrue(table.startsWith("LAST SEEN") && table.contains("Started") && table.contains("pod/web"), table);
    }

    @Test
    void outputFormsSelectorsLabelsAndNamespacesAreKubectls() throws Exception {
        applyAndAwait("web", WEB, DaemonHarness::running);
        applyAndAwait("db", DB, DaemonHarness::running);
        assertEquals(new Result(0, "pod/web\n", ""), cli("get", "pods", "-l", "app=web", "-o", "name"));
        assertEquals(new Result(0, "pod/db\n", ""), cli("get", "pods", "-l", "app in (web,db),tier!=front", "-o", "name"));
        assertEquals(new Result(0, "pod/db\npod/web\n", ""), cli("get", "po", "-l", "tier", "-o", "name"));
        assertEquals(new Result(0, "No resources found in default namespace.\n", ""), cli("get", "pods", "-l", "!app"));
        assertEquals(new Result(0, "web Running app side\n", ""), cli("get", "pod", "web", "-o",
                "jsonpath={.metadata.name} {.status.phase} {.status.containerStatuses[?(@.ready==true)].name}{\"\\n\"}"));
        assertEquals(new Result(0, "db\tTrue\nweb\tTrue\n", ""), cli("get", "pods", "-o",
                "jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}"));
        Result labelled = cli("get", "pods", "--show-labels");
        assertTrue(labelled.out().lines().findFirst().orElseThrow().matches("NAME +READY +STATUS +RESTARTS +AGE +LABELS"), labelled.out());
        assertTrue(labelled.out().lines().anyMatch(l -> l.matches("web +2/2 +Running +0 +\\d+s +app=web,tier=front")), labelled.out());
        assertTrue(cli("get", "pods", "web", "db", "-o", "name").out().equals("pod/db\npod/web\n"));
        Result wide = cli("get", "pod", "db", "-o", "wide");
        assertTrue(wide.out().lines().findFirst().orElseThrow().matches("NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +PAUSE-PID .*"),
                wide.out());
        assertEquals(new Result(0, "No resources found in other namespace.\n", ""), cli("get", "pods", "-n", "other"));
        assertTrue(cli("get", "pods", "-A").out().lines().skip(1).allMatch(l -> l.startsWith("default ")), "a NAMESPACE column");
        assertEquals(new Result(1, "", "Error from podshim: pod \"nope\" not found in namespace \"default\"\n"), cli("get", "pod", "nope"));
        Result badSelector = cli("get", "pods", "-l", "a b");
        assertEquals(1, badSelector.code());
        assertTrue(badSelector.err().contains("unable to parse requirement \"a b\""), badSelector.err());
        assertEquals(1, cli("get", "pods", "--no-such-flag").code(), "a usage error exits 1, as kubectl's");
        Result version = cli("version");
        assertTrue(version.out().matches("Client Version: \\S+\nServer Version: \\S+\n"), version.out());
    }

    /** A stream that hands each line written to it to {@code each}, as it comes. */
    private static OutputStream lines(java.util.function.Consumer<String> each) {
        return new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                if (b == '\n') {
                    each.accept(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        };
    }

    /** A watch on the API, its events as they come, until the watch ends. */
    private CompletableFuture<Integer> watch(String query, BlockingQueue<JsonNode> events) {
        OutputStream sink = lines(line -> {
            try {
                events.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new ApiClient(socket()).call("GET", "/v1/pods?watch=true&" + query, null, code -> sink);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void aWatchSeesAPodsWholeLifeInOrderAndGetWatchPrintsARowPerChange() throws Exception {
        applyAndAwait("db", DB, DaemonHarness::running);
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        watch("name=once", events);
        BlockingQueue<String> rows = new LinkedBlockingQueue<>();
        OutputStream rowSink = lines(rows::add);
        // kubectl get -w: it runs until the daemon goes (the harness stops it after the test).
        CompletableFuture.runAsync(() -> Cli.main(new String[] {"--socket", socket().toString(), "get", "pods", "-w"},
                new java.io.PrintStream(rowSink, true, StandardCharsets.UTF_8), new java.io.PrintStream(OutputStream.nullOutputStream())));
        applyAndAwait("once", """
                apiVersion: v1
                kind: Pod
                metadata: {name: once}
                spec:
                  restartPolicy: Never
                  initContainers: [{name: first, image: busybox:local, command: ["true"]}]
                  containers: [{name: app, image: busybox:local, command: [sh, -c, "exit 0"]}]
                """, s -> s.phase().equals("Succeeded"));
        assertEquals(0, cli("delete", "pod", "once").code());
        List<JsonNode> seen = new ArrayList<>();
        while (seen.isEmpty() || !seen.get(seen.size() - 1).path("type").asText().equals("DELETED")) {
            JsonNode e = events.poll(60, TimeUnit.SECONDS);
            assertNotNull(e, "the watch went quiet before the pod was gone: " + seen);
            seen.add(e);
        }
        assertEquals("ADDED", seen.get(0).path("type").asText(), seen.toString());
        assertTrue(seen.subList(1, seen.size() - 1).stream().allMatch(e -> e.path("type").asText().equals("MODIFIED")), seen.toString());
        assertTrue(seen.stream().allMatch(e -> e.path("object").path("metadata").path("name").asText().equals("once")),
                "only the pod asked for");
        List<String> phases = seen.stream().map(e -> e.path("object").path("status").path("phase").asText()).distinct().toList();
        assertEquals(List.of("Pending", "Running", "Succeeded"), phases.subList(phases.indexOf("Pending"), phases.size()),
                "the phases in the order they came: " + phases);
        List<String> words = seen.stream().map(e -> e.path("object").path("metadata").path("annotations").path("podshim.io/status")
                .asText()).distinct().toList();
        assertTrue(words.indexOf("Init:0/1") < words.indexOf("Completed"), words.toString());
        List<String> lines = new ArrayList<>();
        while (lines.stream().noneMatch(l -> l.matches("once +0/1 +Completed .*"))) {
            String row = rows.poll(60, TimeUnit.SECONDS);
            assertNotNull(row, "get -w printed no row for the completed pod: " + lines);
            lines.add(row);
        }
        assertTrue(lines.get(0).startsWith("NAME "), lines.toString());
        assertTrue(lines.get(1).startsWith("db "), "the pods there are first: " + lines);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("NAME ")).count(), "one header: " + lines);
    }

    @Test
    void logsTakeTailSinceTimestampsAndDefaultToTheFirstAppContainer() throws Exception {
        applyAndAwait("web", WEB, DaemonHarness::running);
        daemon.engine().awaitLogs("web", "app", java.time.Duration.ofMillis(10));
        Result all = cliUntil("logs", "web");
        assertEquals("line 1\nline 2\nline 3\nline 4\nline 5\n", all.out(), "the first app container's, with no -c");
        assertEquals(new Result(0, "line 4\nline 5\n", ""), cli("logs", "web", "--tail", "2"));
        assertEquals(new Result(0, "", ""), cli("logs", "web", "--tail", "0"));
        assertEquals(all, cli("logs", "web", "--since", "1h"));
        Result stamped = cli("logs", "web", "-c", "app", "--tail", "1", "--timestamps");
        assertTrue(stamped.out().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z line 5\n"), stamped.out());
        assertEquals(new Result(0, "prepared\n", ""), cli("logs", "web", "-c", "prep"), "an init container's log");
        Result bad = cli("logs", "web", "-c", "nope");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("container nope is not valid for pod web"), bad.err());
    }

    /** {@code logs web} once all five lines are in (the app writes them at its start). */
    private Result cliUntil(String... args) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Result r = cli(args);
        while (!r.out().contains("line 5") && System.nanoTime() < deadline) {
            Thread.sleep(20); // a log file gives no event when it grows
            r = cli(args);
        }
        return r;
    }

    @Test
    void anImageUpdateReplacesThatContainerAloneAndAForbiddenOneChangesNothing() throws Exception {
        ApiClient.Reply imported = new ApiClient(socket()).call("POST", "/v1/images?source=" + base.resolve("busybox")
                + "&name=busybox:v2", null);
        assertEquals(201, imported.status(), imported.body());
        PodStatus before = applyAndAwait("web", WEB, DaemonHarness::running);
        int appPid = before.containers().get(0).pid();
        Path manifest = manifest(WEB);
        assertEquals(new Result(0, "pod/web unchanged\n", ""), cli("apply", "-f", manifest.toString()));
        // What get -o yaml gives (defaults, the node, status, podshim's annotations) applies back as it is.
        Path saved = Files.writeString(base.resolve("saved.yaml"), cli("get", "pod", "web", "-o", "yaml").out());
        assertEquals(new Result(0, "pod/web unchanged\n", ""), cli("apply", "-f", saved.toString()));

        Files.writeString(manifest, WEB.replace("- {name: side, image: busybox:local", "- {name: side, image: busybox:v2"));
        assertEquals(new Result(0, "pod/web configured\n", ""), cli("apply", "-f", manifest.toString()));
        PodStatus after = daemon.engine().await("web", s -> s.containers().get(1).restartCount() == 1 && running(s))
                .get(60, TimeUnit.SECONDS);
        assertEquals("busybox:v2", after.containers().get(1).image());
        assertEquals(appPid, after.containers().get(0).pid(), "the other container goes on untouched");
        assertEquals(0, after.containers().get(0).restartCount());
        assertEquals(2, after.generation(), "a change of the spec is a new generation");
        assertTrue(cli("describe", "pod", "web").out().contains("Container side definition changed, will be restarted"));

        Files.writeString(manifest, WEB.replace("- {name: side, image: busybox:local", "- {name: side, image: busybox:v2")
                .replace("[sleep, \"3600\"]", "[sleep, \"60\"]").replace("app: web,", "app: shop,"));
        Result refused = cli("apply", "-f", manifest.toString());
        assertEquals(1, refused.code());
        assertEquals("Error from podshim: Pod \"web\" is invalid: spec: Forbidden: pod updates may not change fields other than"
                + " `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations`"
                + " (only additions to existing tolerations); this update changes spec.containers[1].command[1]\n", refused.err());
        PodStatus unchanged = daemon.engine().status("web").orElseThrow();
        assertEquals(after.containers().get(1).pid(), unchanged.containers().get(1).pid(), "nothing was stopped");
        assertEquals(2, unchanged.generation());
        assertEquals("web", unchanged.manifest().labels().get("app"), "not even the labels of a refused update");
        assertEquals(List.of("sleep", "3600"), unchanged.manifest().spec().containers().get(1).command());

        Files.writeString(manifest, WEB.replace("- {name: side, image: busybox:local", "- {name: side, image: busybox:v2")
                .replace("app: web,", "app: shop,"));
        assertEquals(new Result(0, "pod/web configured\n", ""), cli("apply", "-f", manifest.toString()), "labels may change");
        assertEquals(new Result(0, "pod/web\n", ""), cli("get", "pods", "-l", "app=shop", "-o", "name"));
        assertEquals(after.containers().get(1).pid(), daemon.engine().status("web").orElseThrow().containers().get(1).pid());
    }

    @Test
    void admissionRefusesAnotherOsAndANodeSelectorTheNodeDoesNotMeetAndTakesWhatOnlyASchedulerReads() throws Exception {
        Result windows = cli("apply", "-f", manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: win}
                spec:
                  os: {name: windows}
                  containers: [{name: a, image: busybox:local}]
                """).toString());
        assertEquals(1, windows.code());
        assertTrue(windows.err().startsWith("Error from podshim: spec.os.name: \"windows\": Pod was rejected"), windows.err());
        Result picky = cli("apply", "-f", manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: picky}
                spec:
                  nodeSelector: {disktype: ssd}
                  containers: [{name: a, image: busybox:local}]
                """).toString());
        assertEquals(1, picky.code());
        assertTrue(picky.err().contains("Predicate NodeAffinity failed") && picky.err().contains("disktype=ssd"), picky.err());
        assertEquals(new Result(0, "No resources found in default namespace.\n", ""), cli("get", "pods"), "neither was kept");

        String host = daemon.engine().nodeLabels().get("kubernetes.io/hostname");
        PodStatus fits = applyAndAwait("fits", """
                apiVersion: v1
                kind: Pod
                metadata: {name: fits}
                spec:
                  os: {name: linux}
                  nodeSelector: {kubernetes.io/os: linux}
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                        - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [%s]}]
                  tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute}]
                  serviceAccountName: default
                  automountServiceAccountToken: false
                  priorityClassName: low
                  schedulerName: default-scheduler
                  volumes: [{name: scratch}]
                  containers:
                  - name: a
                    image: busybox:local
                    command: [sh, -c, "touch /scratch/x && sleep 3600"]
                    volumeMounts: [{name: scratch, mountPath: /scratch}]
                """.formatted(host), DaemonHarness::running);
        assertTrue(fits.manifest().spec().volumes().get(0).source() instanceof io.podshim.runtime.container.Volume.EmptyDir,
                "a volume with no source is an emptyDir");
        Result typo = cli("apply", "-f", manifest(DB.replace("metadata: {name: db", "metadata: {name: typo").replace("command:",
                "comand:")).toString());
        assertTrue(typo.err().contains("spec.containers[0].comand: unknown field (did you mean command?)"), typo.err());
        Result later = cli("apply", "-f", manifest(DB.replace("metadata: {name: db", "metadata: {name: later")
                .replace("  containers:", "  runtimeClassName: gvisor\n  containers:")).toString());
        assertTrue(later.err().contains("spec.runtimeClassName: is a Kubernetes field podshim does not support yet"), later.err());
    }

    @Test
    void applyTakesDirectoriesAndDocumentsAndDeleteTakesFilesSelectorsAndAll() throws Exception {
        Path dir = Files.createDirectories(base.resolve("manifests-many"));
        Files.writeString(dir.resolve("a.yaml"), WEB + "---\n# the database\n" + DB);
        String three = DB.replace("name: db,", "name: cache,").replace("app: db", "app: cache");
        Files.writeString(dir.resolve("b.yml"), three);
        Files.writeString(dir.resolve("notes.txt"), "not a manifest");
        assertEquals(new Result(0, "pod/web created\npod/db created\npod/cache created\n", ""), cli("apply", "-f", dir.toString()));
        daemon.engine().await("cache", DaemonHarness::running).get(60, TimeUnit.SECONDS);

        assertEquals(new Result(0, "pod/cache deleted\n", ""), cli("delete", "-f", dir.resolve("b.yml").toString()));
        assertEquals(new Result(0, "pod/db deleted\n", ""), cli("delete", "pod", "-l", "tier=back"));
        assertEquals(new Result(0, "pod/web deleted\n", ""), cli("delete", "pods", "--all"));
        assertEquals(new Result(0, "No resources found\n", ""), cli("delete", "pod", "--all"));
        assertEquals(new Result(0, "No resources found in default namespace.\n", ""), cli("get", "pods"));
        assertEquals(1, cli("delete", "pod").code(), "no name, no selector, no --all");
    }
}
