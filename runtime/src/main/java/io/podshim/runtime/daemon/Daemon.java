package io.podshim.runtime.daemon;

import io.podshim.runtime.PodException;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.pod.BackoffPolicy;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.ui.UiServer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The podshim daemon: one per node, a {@link PodEngine} behind an HTTP+JSON API on a unix socket.
 * The socket is root-only (0600) unless {@code socketGroup} opens it to a group (0660). A stale
 * socket from a daemon that died is replaced; a live one is refused, so two daemons never share a
 * node.
 */
public final class Daemon implements AutoCloseable {
    public static final Path DEFAULT_SOCKET = Path.of("/run/podshim/podshim.sock");
    /** Where kubelet and crictl find the CRI: {@code --container-runtime-endpoint unix:///run/podshim/cri.sock}. */
    public static final Path DEFAULT_CRI_SOCKET = Path.of("/run/podshim/cri.sock");

    /** Where everything lives; {@code socketGroup} and {@code manifests} (static pods) may be null. */
    public record Options(Path socket, String socketGroup, Path state, Path logs, Path images, String cgroupRoot,
                          BackoffPolicy backoff, Path manifests, io.podshim.runtime.network.NetworkSettings network,
                          java.util.Map<String, String> nodeLabels, Path criSocket, java.net.InetSocketAddress ui) {
        /** Without the page ({@code ui}: see {@link #withUi}). */
        public Options(Path socket, String socketGroup, Path state, Path logs, Path images, String cgroupRoot,
                       BackoffPolicy backoff, Path manifests, io.podshim.runtime.network.NetworkSettings network,
                       java.util.Map<String, String> nodeLabels, Path criSocket) {
            this(socket, socketGroup, state, logs, images, cgroupRoot, backoff, manifests, network, nodeLabels, criSocket, null);
        }

        /** These options, with the live picture of the pods served on {@code ui} (a loopback address; port 0: any free one). */
        public Options withUi(java.net.InetSocketAddress ui) {
            return new Options(socket, socketGroup, state, logs, images, cgroupRoot, backoff, manifests, network, nodeLabels, criSocket, ui);
        }

        /** Without the CRI: only podshim's own API. */
        public Options(Path socket, String socketGroup, Path state, Path logs, Path images, String cgroupRoot,
                       BackoffPolicy backoff, Path manifests, io.podshim.runtime.network.NetworkSettings network,
                       java.util.Map<String, String> nodeLabels) {
            this(socket, socketGroup, state, logs, images, cgroupRoot, backoff, manifests, network, nodeLabels, null);
        }

        /** @param nodeLabels what the node is labelled with besides kubernetes.io/os, arch and hostname (nodeSelector) */
        public Options(Path socket, String socketGroup, Path state, Path logs, Path images, String cgroupRoot,
                       BackoffPolicy backoff, Path manifests, io.podshim.runtime.network.NetworkSettings network) {
            this(socket, socketGroup, state, logs, images, cgroupRoot, backoff, manifests, network, java.util.Map.of());
        }

        /** Pods with their loopback only. */
        public Options(Path socket, String socketGroup, Path state, Path logs, Path images, String cgroupRoot,
                       BackoffPolicy backoff, Path manifests) {
            this(socket, socketGroup, state, logs, images, cgroupRoot, backoff, manifests,
                    io.podshim.runtime.network.NetworkSettings.none());
        }

        /** As a node runs it: pods on the CNI network, podshim's own network files beside the state. */
        public static Options defaults() {
            return new Options(DEFAULT_SOCKET, null, Path.of("/run/podshim/daemon"), Path.of("/var/log/podshim/pods"),
                    Path.of("/var/lib/podshim/images"), "podshim", BackoffPolicy.KUBERNETES, null,
                    io.podshim.runtime.network.NetworkSettings.cni(Path.of("/run/podshim/daemon")), java.util.Map.of(),
                    DEFAULT_CRI_SOCKET);
        }
    }

    private final Server server;
    private final PodEngine engine;
    private final Options options;
    private final PodEngine.Recovery recovery;
    private final StaticPods staticPods;
    private final io.podshim.runtime.cri.CriServer cri;
    private final UiServer ui;

    private Daemon(Options options, PodEngine engine, Server server, PodEngine.Recovery recovery, StaticPods staticPods,
                   io.podshim.runtime.cri.CriServer cri, UiServer ui) {
        this.cri = cri;
        this.ui = ui;
        this.options = options;
        this.engine = engine;
        this.server = server;
        this.recovery = recovery;
        this.staticPods = staticPods;
    }

    public static Daemon start(Options options) throws Exception {
        claimSocket(options.socket());
        // Claims' volumes outlive pods and the daemon's state (a tmpfs): beside the images, on disk.
        // One store for both front doors: an image pulled through the CRI is one podshim's pods can use.
        ImageStore images = new ImageStore(options.images());
        PodEngine engine = new PodEngine(new PodEngine.Config(options.state(), options.logs(), options.cgroupRoot(), null,
                options.backoff(), options.network(), options.nodeLabels(), options.images().toAbsolutePath().getParent()
                .resolve("volumes")), images);
        PodEngine.Recovery recovery = engine.recover();
        QueuedThreadPool threads = new QueuedThreadPool(256, 2); // a watch or a follow holds one while it lasts
        threads.setName("api");
        Server server = new Server(threads);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server);
        connector.setUnixDomainPath(options.socket());
        server.addConnector(connector);
        // The page is served before the API answers, so the API can give its address (podshim ui).
        UiServer ui = null;
        StaticPods staticPods = null;
        io.podshim.runtime.cri.CriServer cri = null;
        io.podshim.runtime.cri.CriRuntime criRuntime = null;
        try {
            if (options.criSocket() != null) {
                // The CRI's sandboxes, taken over from an earlier daemon before either front door answers.
                criRuntime = new io.podshim.runtime.cri.CriRuntime(options.state().resolve("cri"), options.cgroupRoot(), options.network(),
                        new io.podshim.runtime.cri.CriImages(images, io.podshim.runtime.image.registry.PullSettings.node()));
            }
            if (options.ui() != null) {
                ui = UiServer.start(options.ui(), options.state(), engine, engine.nodeLabels().get("kubernetes.io/hostname"));
            }
            server.setHandler(StreamRoutes.around(server, new ApiHandler(engine, ui == null ? null : ui.url(), criRuntime), engine));
            server.start();
            secure(options.socket(), options.socketGroup());
            if (criRuntime != null) {
                io.podshim.runtime.cri.CriRuntime handed = criRuntime;
                criRuntime = null; // the server's from here, closed by it even if it cannot start
                cri = io.podshim.runtime.cri.CriServer.start(options.criSocket(), options.network(), handed);
            }
            if (options.manifests() != null) {
                staticPods = new StaticPods(options.manifests(), engine, System.err);
            }
        } catch (Exception e) {
            if (cri != null) {
                cri.close();
            } else if (criRuntime != null) {
                criRuntime.close();
            }
            if (ui != null) {
                ui.close();
            }
            server.stop();
            engine.close(Duration.ZERO);
            throw e;
        }
        return new Daemon(options, engine, server, recovery, staticPods, cri, ui);
    }

    public PodEngine engine() {
        return engine;
    }

    /** The address of the live picture of the pods, token included; empty unless the options ask for it. */
    public java.util.Optional<String> uiUrl() {
        return java.util.Optional.ofNullable(ui).map(UiServer::url);
    }

    /** What this daemon found of an earlier one at start: the pods it took over and the sandboxes it removed. */
    public PodEngine.Recovery recovery() {
        return recovery;
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /** Replaces a stale socket; refuses to start beside a daemon that still answers on it. */
    private static void claimSocket(Path socket) throws IOException {
        Files.createDirectories(socket.getParent());
        if (!Files.exists(socket)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new PodException("another podshim daemon listens on " + socket + ": stop it first, or give --socket");
        } catch (IOException refused) {
            Files.delete(socket); // nobody answers: a daemon died without removing it
        }
    }

    private static void secure(Path socket, String group) throws IOException {
        if (group == null) {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return;
        }
        GroupPrincipal principal = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(principal);
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    }

    /** Stops the API, then deletes every pod (each with its own grace period) and the socket. */
    @Override
    public void close() throws Exception {
        if (staticPods != null) {
            staticPods.close();
        }
        if (cri != null) {
            cri.close();
        }
        if (ui != null) {
            ui.close();
        }
        server.stop();
        engine.close(null);
        Files.deleteIfExists(options.socket());
    }
}
