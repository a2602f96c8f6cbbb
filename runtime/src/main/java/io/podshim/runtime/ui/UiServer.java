package io.podshim.runtime.ui;

import io.podshim.runtime.PodException;
import io.podshim.runtime.pod.PodEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The live picture of the node's pods ({@code podshim daemon --ui 127.0.0.1:PORT}): a read-only web
 * page on a loopback port, behind the token in its address ({@link UiToken}). It shows and never
 * acts: every request but GET is refused, and it has no call that creates, deletes or execs.
 */
public final class UiServer implements AutoCloseable {
    private final Server server;
    private final RunHistory history;
    private final String url;

    private UiServer(Server server, RunHistory history, String url) {
        this.server = server;
        this.history = history;
        this.url = url;
    }

    /**
     * Serves the page on {@code address}, which must be a loopback one (port 0: any free port).
     *
     * @param stateDir where the token is kept across restarts
     * @param node the node's name, as the pods' objects give it
     */
    public static UiServer start(InetSocketAddress address, Path stateDir, PodEngine engine, String node) {
        InetAddress host = address.getAddress();
        if (host == null || !host.isLoopbackAddress()) {
            throw PodException.invalid("--ui " + address.getHostString() + ":" + address.getPort()
                    + ": the page listens on a loopback address only (127.0.0.1 or [::1]): on any other, every host that reaches"
                    + " this node could try its token");
        }
        UiToken token;
        try {
            token = UiToken.in(stateDir);
        } catch (IOException e) {
            throw new PodException("--ui: keep the page's token in " + stateDir.resolve(UiToken.FILE) + ": " + e
                    + " (give --state a directory root may write)", e);
        }
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("ui");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(host.getHostAddress());
        connector.setPort(address.getPort());
        server.addConnector(connector);
        RunHistory history = new RunHistory(engine);
        server.setHandler(new UiHandler(engine, node, history, token));
        try {
            server.start();
        } catch (Exception e) {
            closeQuietly(history);
            stopQuietly(server);
            throw new PodException("--ui " + address.getHostString() + ":" + address.getPort() + ": listen: " + reason(e)
                    + " (choose another port)", e);
        }
        String shown = host.getHostAddress().contains(":") ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        return new UiServer(server, history, "http://" + shown + ":" + connector.getLocalPort() + "/?token=" + token.value());
    }

    /** The page's address, token included: give it only to whom may see the node's pods. */
    public String url() {
        return url;
    }

    @Override
    public void close() throws Exception {
        closeQuietly(history);
        server.stop();
    }

    private static String reason(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // stopping anyway
        }
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // it did not start
        }
    }
}
