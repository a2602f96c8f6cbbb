package io.podshim.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code podshim debug POD --image IMG [--target C] [-it] -- CMD}: adds an ephemeral container to
 * the running pod, as kubectl debug does. It joins the pod's net, ipc and uts namespaces and its pid
 * namespace, or with {@code --target} that container's (its processes are then the debugger's to
 * see), with a root filesystem of its own; with {@code -i} it is attached to once it runs.
 */
@Command(name = "debug", description = "Add an ephemeral container to a running pod (spec.ephemeralContainers) and attach to it"
        + " with -it; --target puts it in that container's pid namespace.")
final class Debug implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    @ParentCommand
    Cli cli;
    @Parameters(index = "0", description = "the pod's name")
    String pod;
    @Parameters(index = "1..*", description = "the command, after -- (default: the image's)")
    List<String> command;
    @Option(names = "--image", required = true, description = "The debugger's image.")
    String image;
    @Option(names = "--target", description = "The container whose pid namespace the debugger joins.")
    String target;
    @Option(names = {"-c", "--container"}, description = "The debugger's name (default: debugger-XXXXX).")
    String name;
    @Option(names = {"-i", "--stdin"}, description = "Keep its standard input open and attach to it.")
    boolean stdin;
    @Option(names = {"-t", "--tty"}, description = "Give it a terminal.")
    boolean tty;
    @Option(names = "--image-pull-policy", description = "Always, IfNotPresent or Never (default: by the image's tag).")
    String pullPolicy;

    @Override
    public Integer call() {
        if (name == null) {
            name = "debugger-" + suffix();
            cli.err.println("Defaulting debug container name to " + name + ".");
        }
        ObjectNode spec = JSON.createObjectNode().put("name", name).put("image", image);
        if (command != null && !command.isEmpty()) {
            command.forEach(spec.putArray("command")::add);
        }
        spec.put("stdin", stdin).put("tty", tty);
        if (target != null) {
            spec.put("targetContainerName", target);
        }
        if (pullPolicy != null) {
            spec.put("imagePullPolicy", pullPolicy);
        }
        try {
            ApiClient api = new ApiClient(cli.socket);
            ApiClient.Reply added = api.call("POST", "/v1/pods/" + Cli.q(pod) + "/ephemeralcontainers",
                    spec.toString().getBytes(StandardCharsets.UTF_8));
            if (!added.ok()) {
                return cli.result(added, null);
            }
            if (!stdin && !tty) {
                return 0;
            }
            JsonNode state = await(api, "running", PATIENCE);
            if (state == null) {
                return 1;
            }
            if (state.has("terminated")) {
                JsonNode ended = state.path("terminated");
                cli.err.println("podshim: debug: " + name + " has ended (" + ended.path("reason").asText() + ", exit code "
                        + ended.path("exitCode").asInt() + "); its output: podshim logs " + pod + " -c " + name);
                return ended.path("exitCode").asInt(1);
            }
            if (stdin && tty) {
                cli.err.println("If you don't see a command prompt, try pressing enter.");
            }
            int attached = ExecStream.run(cli, "/v1/pods/" + Cli.q(pod) + "/attach?container=" + Cli.q(name), stdin, tty);
            // The stream ends with the debugger's output; its exit code is in its status, as kubectl run -it reads it.
            JsonNode ended = await(api, "terminated", Duration.ofSeconds(10));
            return ended == null ? attached : ended.path("terminated").path("exitCode").asInt(attached);
        } catch (IOException e) {
            return cli.failed(e);
        }
    }

    /**
     * The debugger's v1 state once it is {@code wanted} (running: or has ended already; its image
     * may be pulled first); null if the pod went or the time ran out.
     */
    private JsonNode await(ApiClient api, String wanted, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            ApiClient.Reply now = api.call("GET", "/v1/pods/" + Cli.q(pod), null);
            if (!now.ok()) {
                cli.result(now, null);
                return null;
            }
            for (JsonNode c : JSON.readTree(now.body()).path("status").path("ephemeralContainerStatuses")) {
                JsonNode state = c.path("state");
                if (c.path("name").asText().equals(name) && (state.has(wanted) || state.has("terminated"))) {
                    return state;
                }
            }
            try {
                Thread.sleep(50); // the API has no watch: look again shortly
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        if (wanted.equals("running")) {
            cli.err.println("podshim: debug: " + name + " did not start within " + patience.toMinutes() + " minutes: podshim describe"
                    + " pod " + pod + " says why");
        }
        return null;
    }

    /** Five characters as kubectl picks them for a debugger's name. */
    private static String suffix() {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        SecureRandom random = new SecureRandom();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
