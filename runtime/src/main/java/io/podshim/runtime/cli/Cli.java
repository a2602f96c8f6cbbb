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
 * and load no runtime class, so they answer quickly. Exit code 0 on success, 1 on an error (the
 * daemon's message is printed), 2 on a usage error.
 */
@Command(name = "podshim", mixinStandardHelpOptions = true, version = "podshim 0.1.0",
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
        commands.put("delete", Delete::new);
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

    @Command(name = "apply", description = "Create the pod of a manifest (YAML or JSON).")
    static final class Apply implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Option(names = {"-f", "--filename"}, required = true, description = "The Pod manifest.")
        Path file;

        @Override
        public Integer call() {
            try {
                ApiClient.Reply r = new ApiClient(cli.socket).call("POST", "/v1/pods", Files.readAllBytes(file));
                return cli.result(r, "pod/" + r.field("name") + " created\n");
            } catch (IOException e) {
                return cli.failed(e);
            }
        }
    }

    @Command(name = "get", description = "List pods: NAME READY STATUS RESTARTS AGE.")
    static final class Get implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", description = "pods")
        String kind;
        @Option(names = {"-o", "--output"}, description = "wide, json or yaml")
        String output;

        @Override
        public Integer call() {
            if (!kind.equals("pods") && !kind.equals("pod") && !kind.equals("po")) {
                cli.err.println("podshim: get " + kind + ": podshim knows pods only");
                return 2;
            }
            return cli.request("GET", "/v1/pods?output=" + q(output == null ? "table" : output), null, null);
        }
    }

    @Command(name = "describe", description = "Show a pod in detail: containers, states, restarts, events, pause and cgroup.")
    static final class Describe implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", description = "pod")
        String kind;
        @Parameters(index = "1", description = "the pod's name")
        String name;

        @Override
        public Integer call() {
            return cli.request("GET", "/v1/pods/" + q(name) + "?output=describe", null, null);
        }
    }

    @Command(name = "logs", description = "Print a container's log.")
    static final class Logs implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", description = "the pod's name")
        String pod;
        @Option(names = {"-c", "--container"}, description = "The container (needed when the pod has several).")
        String container;
        @Option(names = {"-f", "--follow"}, description = "Keep printing until the container ends.")
        boolean follow;
        @Option(names = {"-p", "--previous"}, description = "The run before the last restart.")
        boolean previous;

        @Override
        public Integer call() {
            String target = "/v1/pods/" + q(pod) + "/logs?follow=" + follow + "&previous=" + previous
                    + (container == null ? "" : "&container=" + q(container));
            try {
                // Log text goes to stdout as it comes; an error body is kept to print its message.
                java.io.ByteArrayOutputStream errorBody = new java.io.ByteArrayOutputStream();
                int status = new ApiClient(cli.socket).call("GET", target, null, code -> code / 100 == 2 ? cli.out : errorBody);
                return status / 100 == 2 ? 0 : cli.result(new ApiClient.Reply(status, errorBody.toString(StandardCharsets.UTF_8)), null);
            } catch (IOException e) {
                return cli.failed(e);
            }
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

    @Command(name = "delete", description = "Stop a pod (SIGTERM, SIGKILL after the grace period, sidecars last) and remove it.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(index = "0", description = "pod")
        String kind;
        @Parameters(index = "1", description = "the pod's name")
        String name;
        @Option(names = "--grace-period", description = "Seconds before SIGKILL (default: the pod's terminationGracePeriodSeconds).")
        Long grace;

        @Override
        public Integer call() {
            return cli.request("DELETE", "/v1/pods/" + q(name) + (grace == null ? "" : "?gracePeriod=" + grace), null,
                    "pod/" + name + " deleted\n");
        }
    }
}
