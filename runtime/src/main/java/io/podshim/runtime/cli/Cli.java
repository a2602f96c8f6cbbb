package io.podshim.runtime.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The commands that talk to a running daemon, kubectl-style. They print what the daemon rendered
 * and load no runtime class, so they answer quickly. Exit codes as kubectl's: 0 on success, 1 on
 * any error (the daemon's message is printed) and on a usage error.
 */
@Command(name = "podshim", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        description = "Run Kubernetes pods on this node. Commands without a daemon: run -f, image import, daemon, ns-demo.")
public final class Cli {
    @Option(names = "--socket", defaultValue = "${env:PODSHIM_SOCKET:-/run/podshim/podshim.sock}",
            description = "The daemon's socket (default: ${DEFAULT-VALUE}).")
    Path socket;

    /** The daemon's socket when none is given: $PODSHIM_SOCKET, else the default (as the --socket option says). */
    public static Path defaultSocket() {
        String env = System.getenv("PODSHIM_SOCKET");
        return Path.of(env != null ? env : "/run/podshim/podshim.sock");
    }

    /** This build's version: the jar's (Implementation-Version), or "dev" when run from classes. */
    public static String version() {
        String v = Cli.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"podshim " + version()};
        }
    }

    PrintStream out = System.out;
    PrintStream err = System.err;
    java.io.InputStream in = System.in;

    public static int main(String[] args, PrintStream out, PrintStream err) {
        Integer fast = FastPath.run(args, out, err);
        if (fast != null) {
            return fast;
        }
        Cli cli = new Cli();
        cli.out = out;
        cli.err = err;
        CommandLine line = new CommandLine(cli);
        // Only the command being run is given to picocli: building its model by reflection is its cost.
        Map<String, Supplier<Object>> commands = commands();
        String command = commandOf(args, commands);
        if (command != null && !command.equals("help") && !command.equals("generate-completion")) {
            line.addSubcommand(command, commands.get(command).get());
        } else {
            commands.forEach((name, make) -> line.addSubcommand(name, make.get()));
        }
        line.setOut(new java.io.PrintWriter(out, true));
        line.setErr(new java.io.PrintWriter(err, true));
        line.setParameterExceptionHandler((e, given) -> {
            err.println("error: " + e.getMessage());
            err.println("See 'podshim " + (command == null ? "" : command + " ") + "--help' for usage.");
            return 1;
        });
        return line.execute(args);
    }

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("apply", Apply::new);
        commands.put("get", Get::new);
        commands.put("describe", Describe::new);
        commands.put("logs", Logs::new);
        commands.put("exec", Exec::new);
        commands.put("port-forward", PortForward::new);
        commands.put("attach", Attach::new);
        commands.put("debug", Debug::new);
        commands.put("ns", Ns::new);
        commands.put("ui", Ui::new);
        commands.put("version", Version::new);
        commands.put("delete", Delete::new);
        commands.put("volume", Volume::new);
        commands.put("create", Create::new);
        commands.put("generate-completion", AutoComplete.GenerateCompletion::new);
        commands.put("help", CommandLine.HelpCommand::new);
        return commands;
    }

    /** The first argument that is a known command, skipping the global --socket option and its value. */
    private static String commandOf(String[] args, Map<String, Supplier<Object>> commands) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--socket")) {
                i++;
            } else if (commands.containsKey(args[i])) {
                return args[i];
            } else if (!args[i].startsWith("--socket=")) {
                return null;
            }
        }
        return null;
    }

    int result(ApiClient.Reply reply, String success) {
        if (reply.ok()) {
            out.print(success == null ? reply.body() : success);
            out.flush();
            return 0;
        }
        err.println("Error from podshim: " + reply.message());
        return 1;
    }

    int failed(IOException e) {
        err.println("podshim: " + e.getMessage());
        return 1;
    }

    /** One request; prints {@code success} (or the body when null) on 2xx, the daemon's message otherwise. */
    int request(String method, String target, byte[] body, String success) {
        try {
            return result(new ApiClient(socket).call(method, target, body), success);
        } catch (IOException e) {
            return failed(e);
        }
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The namespace a command is about, as kubectl's -n and -A choose it. */
    static final class Scope {
        @Option(names = {"-n", "--namespace"}, description = "The namespace (default: default).")
        String namespace;
        @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace.")
        boolean all;

        /** The query parameter: none for every namespace. */
        String query() {
            return all ? "" : "&namespace=" + q(namespace == null ? "default" : namespace);
        }
    }

    /**
     * The documents of {@code file}, or of every .yaml, .yml and .json file in it if it is a
     * directory (in name order), split at YAML's {@code ---} lines, as kubectl apply -f reads them.
     */
    public static List<String> documents(Path file) throws IOException {
        List<Path> files = new java.util.ArrayList<>();
        if (Files.isDirectory(file)) {
            try (var list = Files.list(file)) {
                list.filter(f -> f.toString().matches(".*\\.(yaml|yml|json)$")).sorted().forEach(files::add);
            }
        } else if (file.toString().equals("-")) {
            files.add(null);
        } else {
            files.add(file);
        }
        List<String> documents = new java.util.ArrayList<>();
        for (Path f : files) {
            String text = f == null ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(f);
            for (String doc : text.split("(?m)^---[ \t]*(#.*)?$")) {
                if (doc.lines().anyMatch(l -> !l.isBlank() && !l.trim().startsWith("#"))) {
                    documents.add(doc);
                }
            }
        }
        return documents;
    }

    @Command(name = "apply", description = "Create or update the pods, ConfigMaps, Secrets and PersistentVolumeClaims of a manifest"
            + " (YAML or JSON; several documents; a directory):"
            + " an update may change images (that container is restarted), shorten activeDeadlineSeconds, add tolerations,"
            + " change labels and annotations.")
    static final class Apply implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Option(names = {"-f", "--filename"}, required = true, description = "A manifest, a directory of them, or - for standard input.")
        Path file;

        @Override
        public Integer call() {
            try {
                int code = 0;
                List<String> documents = documents(file);
                if (documents.isEmpty()) {
                    cli.err.println("error: no objects passed to apply");
                    return 1;
                }
                for (String doc : documents) {
                    ApiClient.Reply r = new ApiClient(cli.socket).call("POST", "/v1/objects?apply=true", doc.getBytes(StandardCharsets.UTF_8));
                    code |= cli.result(r, !r.ok() ? null : r.field("kind").toLowerCase(java.util.Locale.ROOT) + "/" + r.field("name")
                            + " " + r.field("action") + "\n");
                }
                return code;
            } catch (IOException e) {
                return cli.failed(e);
            }
        }
    }

    @Command(name = "get", description = "List pods (NAME READY STATUS RESTARTS AGE) or events, as kubectl get does.")
    static final class Get implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", description = "pods (pod, po) or events (event, ev)")
        String kind;
        @Parameters(index = "1..*", description = "the pods' names (default: every pod)")
        List<String> names = List.of();
        @Option(names = {"-o", "--output"}, description = "wide, json, yaml, name or jsonpath=TEMPLATE")
        String output;
        @Option(names = {"-l", "--selector"}, description = "A label selector: app=web, tier!=db, env in (a,b), !canary")
        String selector;
        @Option(names = "--show-labels", description = "A LABELS column.")
        boolean showLabels;
        @Option(names = {"-w", "--watch"}, description = "After the list, a line for every change.")
        boolean watch;
        @Option(names = "--request-timeout", description = "How long a watch lasts (10s, 5m; default: until interrupted).")
        String timeout;
        @picocli.CommandLine.Mixin
        Scope scope = new Scope();

        @Override
        public Integer call() {
            String format = output == null ? "table" : output.startsWith("jsonpath=") || output.startsWith("jsonpath='") ? output
                    .replaceFirst("^jsonpath='(.*)'$", "jsonpath=$1") : output;
            if (List.of("events", "event", "ev").contains(kind)) {
                return cli.request("GET", "/v1/events?output=" + q(format) + scope.query(), null, null);
            }
            String objects = objectsOf(kind);
            if (objects != null) {
                if (names.size() > 1 || watch || selector != null) {
                    cli.err.println("error: podshim gets " + objects + " one by name or all of a namespace (no -w or -l)");
                    return 1;
                }
                return cli.request("GET", "/v1/" + objects + (names.isEmpty() ? "" : "/" + q(names.get(0))) + "?output=" + q(format)
                        + scope.query(), null, null);
            }
            if (!List.of("pods", "pod", "po").contains(kind)) {
                cli.err.println("error: the server doesn't have a resource type \"" + kind + "\": podshim serves pods, events,"
                        + " configmaps, secrets and persistentvolumeclaims");
                return 1;
            }
            StringBuilder target = new StringBuilder(names.size() == 1 && !watch ? "/v1/pods/" + q(names.get(0)) : "/v1/pods");
            target.append("?output=").append(q(format)).append(scope.query());
            if (names.size() != 1 || watch) {
                names.forEach(n -> target.append("&name=").append(q(n)));
            }
            if (selector != null) {
                target.append("&labelSelector=").append(q(selector));
            }
            if (showLabels) {
                target.append("&showLabels=true");
            }
            if (!watch) {
                return cli.request("GET", target.toString(), null, null);
            }
            target.append("&watch=true");
            if (timeout != null) {
                Long seconds = Logs.seconds(timeout);
                if (seconds == null) {
                    cli.err.println("error: invalid argument \"" + timeout + "\" for \"--request-timeout\": give a duration such as 30s");
                    return 1;
                }
                target.append("&timeoutSeconds=").append(seconds);
            }
            return cli.stream(target.toString());
        }
    }

    /** The API's collection for a kubectl resource word (configmaps, cm, secret, pvc, …), or null if it is not one of those. */
    static String objectsOf(String kind) {
        return switch (kind) {
            case "configmaps", "configmap", "cm" -> "configmaps";
            case "secrets", "secret" -> "secrets";
            case "persistentvolumeclaims", "persistentvolumeclaim", "pvc" -> "persistentvolumeclaims";
            default -> null;
        };
    }

    /** A request whose answer goes on (a watch, a followed log): printed as it comes. */
    int stream(String target) {
        try {
            java.io.ByteArrayOutputStream errorBody = new java.io.ByteArrayOutputStream();
            int status = new ApiClient(socket).call("GET", target, null, code -> code / 100 == 2 ? out : errorBody);
            return status / 100 == 2 ? 0 : result(new ApiClient.Reply(status, errorBody.toString(StandardCharsets.UTF_8)), null);
        } catch (IOException e) {
            return failed(e);
        }
    }

    @Command(name = "describe", description = "Show a pod in detail, as kubectl describe: containers, states, restarts, conditions,"
            + " volumes, events; and the pause and cgroup.")
    static final class Describe implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", description = "pod, configmap, secret or pvc")
        String kind;
        @Parameters(index = "1", description = "its name")
        String name;
        @picocli.CommandLine.Mixin
        Scope scope = new Scope();

        @Override
        public Integer call() {
            String objects = objectsOf(kind);
            if (objects != null) {
                return cli.request("GET", "/v1/" + objects + "/" + q(name) + "?output=describe" + scope.query(), null, null);
            }
            if (!List.of("pods", "pod", "po").contains(kind)) {
                cli.err.println("error: the server doesn't have a resource type \"" + kind + "\": podshim describes pods, configmaps,"
                        + " secrets and persistentvolumeclaims");
                return 1;
            }
            return cli.request("GET", "/v1/pods/" + q(name) + "?output=describe" + scope.query(), null, null);
        }
    }

    @Command(name = "version", description = "The versions of this client and of the daemon.")
    static final class Version implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() {
            cli.out.println("Client Version: " + version());
            try {
                ApiClient.Reply r = new ApiClient(cli.socket).call("GET", "/v1/version", null);
                if (!r.ok()) {
                    return cli.result(r, null);
                }
                cli.out.println("Server Version: " + r.field("version"));
                return 0;
            } catch (IOException e) {
                return cli.failed(e);
            }
        }
    }

    @Command(name = "logs", description = "Print a container's log: the pod's first container unless -c names one (an init"
            + " container too).")
    static final class Logs implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", description = "the pod's name")
        String pod;
        @Option(names = {"-c", "--container"}, description = "The container (default: the first app container).")
        String container;
        @Option(names = {"-f", "--follow"}, description = "Keep printing until the container ends.")
        boolean follow;
        @Option(names = {"-p", "--previous"}, description = "The run before the last restart.")
        boolean previous;
        @Option(names = "--tail", description = "The last N lines only (default: all).")
        Integer tail;
        @Option(names = "--since", description = "Lines newer than this: 10s, 5m, 2h.")
        String since;
        @Option(names = "--timestamps", description = "Each line with its time (RFC 3339).")
        boolean timestamps;
        @picocli.CommandLine.Mixin
        Scope scope = new Scope();

        @Override
        public Integer call() {
            StringBuilder target = new StringBuilder("/v1/pods/" + q(pod) + "/logs?follow=" + follow + "&previous=" + previous);
            if (container != null) {
                target.append("&container=").append(q(container));
            }
            if (tail != null && tail >= 0) {
                target.append("&tailLines=").append(tail);
            }
            if (since != null) {
                Long seconds = seconds(since);
                if (seconds == null) {
                    cli.err.println("error: invalid argument \"" + since + "\" for \"--since\": give a duration such as 10s, 5m or 2h");
                    return 1;
                }
                target.append("&sinceSeconds=").append(seconds);
            }
            if (timestamps) {
                target.append("&timestamps=true");
            }
            if (scope.namespace != null) {
                target.append("&namespace=").append(q(scope.namespace));
            }
            return cli.stream(target.toString());
        }

        /** "90s", "5m", "2h", "1h30m" in seconds; null if it is none of these. */
        static Long seconds(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(h|m|s)").matcher(text);
            long total = 0;
            int at = 0;
            while (m.find() && m.start() == at) {
                long n = Long.parseLong(m.group(1));
                total += switch (m.group(2)) {
                    case "h" -> n * 3600;
                    case "m" -> n * 60;
                    default -> n;
                };
                at = m.end();
            }
            return at == text.length() && at > 0 ? total : null;
        }
    }

    @Command(name = "ns", description = "Which namespace each process of a pod is in: the pause and every container,"
            + " against net, ipc, uts, pid, mnt, cgroup and user, marking what the pod shares and what is the host's.")
    static final class Ns implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", description = "the pod's name")
        String pod;
        @Option(names = {"-o", "--output"}, description = "json or yaml")
        String output;

        @Override
        public Integer call() {
            return cli.request("GET", "/v1/pods/" + q(pod) + "/namespaces?output=" + q(output == null ? "table" : output), null, null);
        }
    }

    @Command(name = "exec", description = "Run a command in a running container (its namespaces, cgroup, user);"
            + " its exit code becomes podshim's. -i streams standard input to it as it comes; -t gives it a terminal"
            + " (-it for a shell).")
    static final class Exec implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", description = "the pod's name")
        String pod;
        @Option(names = {"-c", "--container"}, description = "The container (needed when the pod has several).")
        String container;
        @Option(names = {"-i", "--stdin"}, description = "Send podshim's standard input to the command, as it comes.")
        boolean stdin;
        @Option(names = {"-t", "--tty"}, description = "Give the command a terminal of the container's, this one in raw mode.")
        boolean tty;
        @Parameters(index = "1..*", arity = "1..*", description = "the command, after --")
        List<String> command;

        @Override
        public Integer call() {
            StringBuilder target = new StringBuilder("/v1/pods/" + q(pod) + "/exec?");
            if (container != null) {
                target.append("container=").append(q(container)).append('&');
            }
            command.forEach(arg -> target.append("command=").append(q(arg)).append('&'));
            try {
                if (stdin || tty) {
                    // A stream: input as it comes, a terminal. Without either, one plain request is quicker.
                    return ExecStream.run(cli, target.substring(0, target.length() - 1), stdin, tty);
                }
                ApiClient.Reply r = new ApiClient(cli.socket).call("POST", target.toString(), null);
                if (!r.ok()) {
                    return cli.result(r, null);
                }
                cli.out.print(r.field("stdout"));
                cli.out.flush();
                cli.err.print(r.field("stderr"));
                cli.err.flush();
                return Integer.parseInt(r.field("exitCode"));
            } catch (IOException e) {
                return cli.failed(e);
            }
        }
    }

    @Command(name = "attach", description = "Attach to a running container: its output from now on; with -i, its standard input"
            + " (the container needs stdin: true); -t for one with tty: true.")
    static final class Attach implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", description = "the pod's name")
        String pod;
        @Option(names = {"-c", "--container"}, description = "The container (needed when the pod has several).")
        String container;
        @Option(names = {"-i", "--stdin"}, description = "Send podshim's standard input to the container.")
        boolean stdin;
        @Option(names = {"-t", "--tty"}, description = "The container's terminal: this one in raw mode meanwhile.")
        boolean tty;

        @Override
        public Integer call() {
            try {
                if (stdin && tty) {
                    cli.err.println("If you don't see a command prompt, try pressing enter.");
                }
                return ExecStream.run(cli, "/v1/pods/" + q(pod) + "/attach?" + (container == null ? "" : "container=" + q(container)),
                        stdin, tty);
            } catch (IOException e) {
                return cli.failed(e);
            }
        }
    }

    @Command(name = "delete", description = "Stop pods (SIGTERM, SIGKILL after the grace period, sidecars last) and remove them:"
            + " by name, -l SELECTOR, --all, or -f MANIFEST.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", arity = "0..1", description = "pod (pods, po)")
        String kind;
        @Parameters(index = "1..*", description = "the pods' names")
        List<String> names = List.of();
        @Option(names = "--grace-period", description = "Seconds before SIGKILL (default: the pod's terminationGracePeriodSeconds).")
        Long grace;
        @Option(names = {"-f", "--filename"}, description = "The pods of this manifest (a directory, several documents).")
        Path file;
        @Option(names = {"-l", "--selector"}, description = "The pods this label selector selects.")
        String selector;
        @Option(names = "--all", description = "Every pod of the namespace.")
        boolean all;
        @picocli.CommandLine.Mixin
        Scope scope = new Scope();

        /** For a single name (the everyday form). */
        String name;

        @Override
        public Integer call() {
            if (name != null) {
                names = List.of(name);
            }
            String graceQuery = grace == null ? "" : "gracePeriod=" + grace;
            try {
                if (file != null) {
                    int code = 0;
                    for (String doc : documents(file)) {
                        code |= cli.request("DELETE", "/v1/objects?" + graceQuery, doc.getBytes(StandardCharsets.UTF_8), null);
                    }
                    return code;
                }
            } catch (IOException e) {
                return cli.failed(e);
            }
            String objects = kind == null ? null : objectsOf(kind);
            if (objects != null) {
                if (names.isEmpty()) {
                    cli.err.println("error: resource(s) were provided, but no name was specified: give the " + kind + "'s name");
                    return 1;
                }
                int code = 0;
                for (String n : names) {
                    code |= cli.request("DELETE", "/v1/" + objects + "/" + q(n) + "?" + scope.query().replaceFirst("^&", ""), null, null);
                }
                return code;
            }
            if (kind == null || !List.of("pods", "pod", "po").contains(kind)) {
                cli.err.println("error: you must provide one or more resources by argument or filename: podshim delete pod NAME,"
                        + " -l SELECTOR, --all or -f FILE");
                return 1;
            }
            if (selector != null || all) {
                return cli.request("DELETE", "/v1/pods?" + graceQuery + (all ? "&all=true" : "") + (selector == null ? ""
                        : "&labelSelector=" + q(selector)) + scope.query(), null, null);
            }
            if (names.isEmpty()) {
                cli.err.println("error: resource(s) were provided, but no name was specified: give a name, -l SELECTOR or --all");
                return 1;
            }
            // All at once, as kubectl asks for each and then waits for every one to be gone.
            List<java.util.concurrent.CompletableFuture<Integer>> each = names.stream().map(n -> java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return new ApiClient(cli.socket).call("DELETE", "/v1/pods/" + q(n) + "?" + graceQuery
                                    + (scope.namespace == null ? "" : "&namespace=" + q(scope.namespace)), null);
                        } catch (IOException e) {
                            return new ApiClient.Reply(503, "{\"message\": \"" + e.getMessage().replace("\"", "'") + "\"}");
                        }
                    }).thenApply(r -> {
                        synchronized (cli) {
                            return cli.result(r, "pod/" + n + " deleted\n");
                        }
                    })).toList();
            return each.stream().mapToInt(java.util.concurrent.CompletableFuture::join).reduce(0, (x, y) -> x | y);
        }
    }
}
