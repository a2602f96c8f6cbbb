package io.podshim.runtime.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.websocket.api.Session;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * {@code podshim exec -i}/{@code -t}: the command's streams over a WebSocket, as kubectl exec has
 * them. Standard input is sent as it comes; with {@code -t} this terminal is put in raw mode (every
 * key, Ctrl-C and Ctrl-D included, goes to the command's terminal, which echoes and signals) and
 * given back as it was on the way out, and its size is sent at the start and on every SIGWINCH.
 * The exit code is the command's.
 */
final class ExecStream {
    private static final Pattern EXIT_CODE = Pattern.compile("\"reason\"\\s*:\\s*\"ExitCode\"\\s*,\\s*\"message\"\\s*:\\s*\"(\\d+)\"");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int ERROR = 3;
    private static final int RESIZE = 4;
    private static final int CLOSE = 255;

    private ExecStream() {}

    static int run(Cli cli, String target, boolean stdin, boolean tty) throws IOException {
        if (tty && System.console() == null) {
            cli.err.println("Unable to use a TTY - input is not a terminal or the right kind of file");
            tty = false;
        }
        Terminal terminal = tty ? TerminalBuilder.builder().system(true).exec(true).jna(false).jansi(false).jni(false)
                .ffm(false).dumb(false).nativeSignals(true).build() : null;
        Attributes saved = terminal == null ? null : terminal.getAttributes();
        OutputStream out = terminal != null ? new FileOutputStream(FileDescriptor.out) : cli.out;
        OutputStream err = terminal != null ? new FileOutputStream(FileDescriptor.err) : cli.err;
        InputStream in = terminal != null ? new FileInputStream(FileDescriptor.in) : cli.in;
        String query = target + "&stdin=" + stdin + "&stdout=true&stderr=" + !tty + "&tty=" + tty
                + (terminal == null ? "" : "&width=" + terminal.getWidth() + "&height=" + terminal.getHeight());
        CompletableFuture<String> ended = new CompletableFuture<>();
        StringBuilder status = new StringBuilder();
        try (StreamClient client = new StreamClient(cli.socket)) {
            if (terminal != null) {
                // Raw before the first byte arrives: a query the command sends at once (a shell asking
                // where the cursor is) must not have its answer echoed by this terminal.
                terminal.setAttributes(raw(saved));
            }
            Session session = client.connect(query, List.of("v5.channel.k8s.io", "v4.channel.k8s.io"), new FrameListener((channel, data) -> {
                if (channel == STDOUT) {
                    out.write(data);
                    out.flush();
                } else if (channel == STDERR) {
                    err.write(data);
                    err.flush();
                } else if (channel == ERROR) {
                    status.append(new String(data, StandardCharsets.UTF_8));
                }
            }, () -> ended.complete(status.toString())));
            boolean canClose = "v5.channel.k8s.io".equals(session.getUpgradeResponse().getAcceptedSubProtocol());
            if (terminal != null) {
                terminal.handle(Terminal.Signal.WINCH, signal -> resize(session, terminal));
                resize(session, terminal);
            }
            if (stdin) {
                Thread input = new Thread(() -> copyInput(in, session, canClose), "exec-stdin");
                input.setDaemon(true); // it may sit in read(2) after the command has ended
                input.start();
            }
            return exitCode(cli, ended.join());
        } finally {
            if (terminal != null) {
                terminal.setAttributes(saved);
                terminal.close();
            }
        }
    }

    /** As cfmakeraw(3), kubectl's raw mode: nothing is echoed, translated or turned into a signal here. */
    private static Attributes raw(Attributes saved) {
        Attributes raw = new Attributes(saved);
        raw.setInputFlags(EnumSet.of(Attributes.InputFlag.IGNBRK, Attributes.InputFlag.BRKINT, Attributes.InputFlag.PARMRK,
                Attributes.InputFlag.ISTRIP, Attributes.InputFlag.INLCR, Attributes.InputFlag.IGNCR, Attributes.InputFlag.ICRNL,
                Attributes.InputFlag.IXON), false);
        raw.setOutputFlag(Attributes.OutputFlag.OPOST, false);
        raw.setLocalFlags(EnumSet.of(Attributes.LocalFlag.ECHO, Attributes.LocalFlag.ECHONL, Attributes.LocalFlag.ICANON,
                Attributes.LocalFlag.ISIG, Attributes.LocalFlag.IEXTEN), false);
        raw.setControlChar(Attributes.ControlChar.VMIN, 1);
        raw.setControlChar(Attributes.ControlChar.VTIME, 0);
        return raw;
    }

    private static void resize(Session session, Terminal terminal) {
        byte[] size = ("{\"Width\":" + terminal.getWidth() + ",\"Height\":" + terminal.getHeight() + "}").getBytes(StandardCharsets.UTF_8);
        try {
            StreamClient.send(session, RESIZE, size, size.length);
        } catch (IOException e) {
            // the stream has ended: nothing to resize
        }
    }

    /** Sends standard input as it comes, in whatever pieces read(2) gives; at its end, closes the command's (v5). */
    private static void copyInput(InputStream in, Session session, boolean canClose) {
        byte[] buffer = new byte[16 * 1024];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                StreamClient.send(session, STDIN, buffer, n);
            }
            if (canClose) {
                StreamClient.send(session, CLOSE, new byte[] {STDIN}, 1);
            }
        } catch (IOException e) {
            // the stream has ended
        }
    }

    /** The command's exit code from the status it ended with, as kubectl gives it. */
    private static int exitCode(Cli cli, String status) {
        if (status.contains("\"Success\"")) {
            return 0;
        }
        Matcher code = EXIT_CODE.matcher(status);
        if (code.find()) {
            return Integer.parseInt(code.group(1));
        }
        Matcher message = MESSAGE.matcher(status);
        cli.err.println("podshim: exec: " + (message.find() ? ApiClient.unescape(message.group(1))
                : status.isBlank() ? "the stream ended without the command's status" : status));
        return 1;
    }
}
