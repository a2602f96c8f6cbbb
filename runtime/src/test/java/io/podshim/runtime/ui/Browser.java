package io.podshim.runtime.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.testing.Patience;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real browser for the page's stories: Debian's chromium, headless, driven by playwright-core
 * through {@code src/test/browser/driver.mjs} (one JSON command a line). What the page shows is read
 * from its DOM, as a person would read the screen.
 */
final class Browser implements AutoCloseable {
    static final Path DRIVER = Path.of("src/test/browser/driver.mjs");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("PODSHIM_CHROMIUM", "/usr/bin/chromium"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Patience.of(Duration.ofSeconds(30));

    private final Process node;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final List<Thread> readers = new java.util.ArrayList<>();
    private int next;

    /** Why the stories cannot run here, or null: chromium, node and playwright-core are what they need. */
    static String missing() {
        if (!Files.isExecutable(CHROMIUM)) {
            return CHROMIUM + " is missing: apt-get install chromium (.ci/run does)";
        }
        if (!Files.isExecutable(Path.of("/usr/bin/node")) && !Files.isExecutable(Path.of("/usr/local/bin/node"))) {
            return "node is missing: apt-get install nodejs npm (.ci/run does)";
        }
        if (!Files.isDirectory(DRIVER.resolveSibling("node_modules/playwright-core"))) {
            return "playwright-core is not installed: npm ci --prefix runtime/src/test/browser (.ci/run does)";
        }
        return null;
    }

    Browser() throws IOException {
        node = new ProcessBuilder("node", DRIVER.getFileName().toString()).directory(DRIVER.getParent().toFile()).start();
        commands = node.getOutputStream();
        readers.add(pump(node.getInputStream(), answers::add, "browser-answers"));
        readers.add(pump(node.getErrorStream(), line -> {
            synchronized (stderr) {
                stderr.append(line).append('\n');
            }
        }, "browser-errors"));
    }

    /** A thread that gives each line of {@code in} to {@code to} until it ends. */
    private static Thread pump(java.io.InputStream in, java.util.function.Consumer<String> to, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    to.accept(line);
                }
            } catch (IOException ignored) {
                // the browser ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Opens {@code url}; its HTTP status. */
    int open(String url) throws Exception {
        return call(command("goto").put("url", url), PATIENCE).asInt();
    }

    /** The first truthy value of the JavaScript expression {@code expr}, looked at every 50 ms, within the patience. */
    JsonNode waitFor(String expr) throws Exception {
        long ms = PATIENCE.toMillis();
        return call(command("waitFor").put("expr", expr).put("timeoutMs", ms), PATIENCE.plusSeconds(10));
    }

    /** The value of the JavaScript expression {@code expr} in the page, as JSON. */
    JsonNode eval(String expr) throws Exception {
        return call(command("eval").put("expr", expr), PATIENCE);
    }

    /** A PNG of the element {@code selector} (the whole page if null) at {@code file}. */
    void screenshot(Path file, String selector) throws Exception {
        Files.createDirectories(file.getParent());
        ObjectNode c = command("screenshot").put("path", file.toAbsolutePath().toString());
        if (selector != null) {
            c.put("selector", selector);
        }
        call(c, PATIENCE);
    }

    /** Errors the page's scripts threw: a page that works throws none. */
    JsonNode pageErrors() throws Exception {
        return call(command("errors"), PATIENCE);
    }

    private ObjectNode command(String op) {
        return JSON.createObjectNode().put("id", ++next).put("op", op);
    }

    private synchronized JsonNode call(ObjectNode command, Duration timeout) throws Exception {
        commands.write((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        String line = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("the browser did not answer " + command + " within " + timeout.toSeconds() + " s; it said: " + said());
        }
        JsonNode answer = JSON.readTree(line);
        if (!answer.path("ok").asBoolean()) {
            throw new AssertionError(command.path("op").asText() + " failed in the browser: " + answer.path("error").asText());
        }
        return answer.path("value");
    }

    private String said() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** Closes the browser and waits for node to end: no process of it is left. */
    @Override
    public void close() throws Exception {
        try {
            commands.write("{\"op\":\"close\"}\n".getBytes(StandardCharsets.UTF_8));
            commands.close();
        } catch (IOException gone) {
            // it ended already
        }
        if (!node.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly().waitFor();
        }
        // Its pipes are closed here, not whenever the JDK's reaper gets to them: a test checks for leaks next.
        for (Thread reader : readers) {
            reader.join(PATIENCE.toMillis());
        }
        node.getInputStream().close();
        node.getErrorStream().close();
    }
}
