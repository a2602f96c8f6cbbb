package io.podshim.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.testing.HostTest;
import io.podshim.testing.Patience;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code podshim exec -it} in a real terminal: the CLI runs in a tmux pane (a tmux server of the
 * test's own), keys are typed into it and the pane is read back, as a person would use it.
 */
@HostTest
class TerminalHostTest extends DaemonHarness {
    private static final Duration PATIENCE = Patience.of(Duration.ofSeconds(60));

    @BeforeAll
    static void tmux() {
        boolean found = List.of("/usr/bin/tmux", "/bin/tmux").stream().anyMatch(p -> Files.isExecutable(Path.of(p)));
        String why = found ? null : "tmux is not installed: apt-get install tmux (.ci/run does)";
        if (why != null && "1".equals(System.getenv("PODSHIM_REQUIRE_HOST_TESTS"))) {
            throw new IllegalStateException("PODSHIM_REQUIRE_HOST_TESTS=1 but the terminal tests cannot run: " + why);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, why);
    }

    @Test
    void aShellInAPodAnswersResizesTakesCtrlCAndGivesTheTerminalBack() throws Exception {
        applyAndAwait("box", """
                apiVersion: v1
                kind: Pod
                metadata: {name: box}
                spec:
                  containers: [{name: app, image: busybox:local, command: [sleep, "3600"]}]
                """, DaemonHarness::running);
        String server = "podshim-test-" + UUID.randomUUID().toString().substring(0, 8);
        Path before = base.resolve("stty-before");
        Path after = base.resolve("stty-after");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String podshim = q(java) + " -cp " + q(System.getProperty("java.class.path")) + " io.podshim.runtime.Main --socket "
                + q(socket().toString());
        String pane = "stty -g > " + q(before.toString()) + "; " + podshim + " exec -it box -- sh; echo \"exited $?\"; stty -g > "
                + q(after.toString()) + "; exec sleep 3600";
        tmux(server, "new-session", "-d", "-s", "t", "-x", "80", "-y", "24", pane);
        try {
            type(server, "echo $((6*7))", "Enter");
            awaitPane(server, "(?m)^42$");
            type(server, "tty", "Enter");
            awaitPane(server, "(?m)^/dev/pts/\\d+$");
            tmux(server, "resize-window", "-t", "t", "-x", "100", "-y", "30");
            awaitSize(server, "30 100");
            type(server, "sleep 100", "Enter");
            type(server, "C-c");
            type(server, "echo still here", "Enter");
            awaitPane(server, "(?m)^still here$"); // Ctrl-C ended the sleep, not the shell
            type(server, "cat", "Enter");
            type(server, "C-d"); // end of file for cat, through the container's terminal
            type(server, "echo cat is done", "Enter");
            awaitPane(server, "(?m)^cat is done$");
            type(server, "exit 3", "Enter");
            awaitPane(server, "(?m)^exited 3$"); // the command's exit code is podshim's
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!Files.exists(after) || Files.size(after) == 0) {
                assertTrue(System.nanoTime() < deadline, "the pane's shell did not go on after podshim");
                Thread.onSpinWait();
            }
            assertEquals(Files.readString(before), Files.readString(after), "the terminal's settings are as podshim found them");
        } finally {
            tmux(server, "kill-server");
        }
    }

    @Test
    void aDebuggerWithATargetIsAShellAmongTheTargetsProcesses() throws Exception {
        applyAndAwait("lone", """
                apiVersion: v1
                kind: Pod
                metadata: {name: lone}
                spec:
                  shareProcessNamespace: false
                  terminationGracePeriodSeconds: 1
                  containers: [{name: target, image: busybox:local, command: [sleep, "4242"]}]
                """, DaemonHarness::running);
        String server = "podshim-test-" + UUID.randomUUID().toString().substring(0, 8);
        String java = ProcessHandle.current().info().command().orElseThrow();
        String pane = q(java) + " -cp " + q(System.getProperty("java.class.path")) + " io.podshim.runtime.Main --socket "
                + q(socket().toString()) + " debug lone -it --image busybox:local --target target -- sh; echo \"exited $?\"; exec sleep 3600";
        tmux(server, "new-session", "-d", "-s", "t", "-x", "80", "-y", "24", pane);
        try {
            awaitPane(server, "(?m)^Defaulting debug container name to debugger-\\w{5}\\.$");
            type(server, "ps -o pid,args", "Enter");
            awaitPane(server, "(?m)^ +1 sleep 4242$"); // the target's pid 1: its pid namespace
            type(server, "exit 5", "Enter");
            awaitPane(server, "(?m)^exited 5$");
        } finally {
            tmux(server, "kill-server");
        }
    }

    private static String q(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static void type(String server, String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "t"));
        args.addAll(List.of(keys));
        tmux(server, args.toArray(String[]::new));
    }

    /**
     * Asks {@code stty size} until it answers {@code size}: the new size reaches the container a
     * moment after the pane's (SIGWINCH to podshim, a resize frame, TIOCSWINSZ), and a shell at its
     * prompt prints nothing when it changes. Each question waits for its own answer.
     */
    private static void awaitSize(String server, String size) throws Exception {
        Pattern answer = Pattern.compile("(?m)^(\\d+ \\d+)$");
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            long asked = answer.matcher(tmux(server, "capture-pane", "-p", "-t", "t")).results().count();
            type(server, "stty size", "Enter");
            List<String> answers;
            do {
                assertTrue(System.nanoTime() < deadline, "the terminal's size never became " + size);
                Thread.onSpinWait();
                answers = answer.matcher(tmux(server, "capture-pane", "-p", "-t", "t")).results().map(m -> m.group(1)).toList();
            } while (answers.size() <= asked);
            if (answers.get(answers.size() - 1).equals(size)) {
                return;
            }
        }
    }

    /** Reads the pane until {@code regex} is found in it (bounded: a guard, not a timing assertion). */
    private static void awaitPane(String server, String regex) throws Exception {
        Pattern wanted = Pattern.compile(regex);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String seen = tmux(server, "capture-pane", "-p", "-t", "t");
        while (!wanted.matcher(seen).find()) {
            assertTrue(System.nanoTime() < deadline, "gave up waiting for " + regex + " in the pane:\n" + seen);
            Thread.onSpinWait();
            seen = tmux(server, "capture-pane", "-p", "-t", "t");
        }
    }

    private static String tmux(String server, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", server, "-f", "/dev/null"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0 && !args[0].equals("kill-server")) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
        return out;
    }
}
