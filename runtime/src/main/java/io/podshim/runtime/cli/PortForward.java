package io.podshim.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.websocket.api.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code podshim port-forward POD [LOCAL:]REMOTE…}: listens on this node (127.0.0.1 unless
 * {@code --address}) and carries each connection, over a stream of its own, to REMOTE on the pod's
 * loopback, where the daemon connects from inside the pod's network namespace, as kubectl
 * port-forward does. Many connections at once; runs until interrupted.
 */
@Command(name = "port-forward", description = "Forward local ports to a pod: [LOCAL:]REMOTE (LOCAL empty or 0: any free port).")
final class PortForward implements Callable<Integer> {
    private static final int DATA = 0;
    private static final int ERROR = 1;

    @ParentCommand
    Cli cli;
    @Parameters(index = "0", description = "the pod's name")
    String pod;
    @Parameters(index = "1..*", arity = "1..*", description = "[LOCAL:]REMOTE, e.g. 8080:80 or :80")
    List<String> ports;
    @Option(names = "--address", defaultValue = "127.0.0.1", description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    String address;

    private record Mapping(int local, int remote) {}

    @Override
    public Integer call() {
        List<Mapping> mappings = new ArrayList<>();
        for (String p : ports) {
            try {
                String[] parts = p.split(":", -1);
                int remote = Integer.parseInt(parts[parts.length - 1]);
                int local = parts.length == 1 ? remote : parts[0].isEmpty() ? 0 : Integer.parseInt(parts[0]);
                if (parts.length > 2 || remote < 1 || remote > 65535 || local < 0 || local > 65535) {
                    throw new NumberFormatException();
                }
                mappings.add(new Mapping(local, remote));
            } catch (NumberFormatException e) {
                cli.err.println("podshim: port-forward: \"" + p + "\" is not [LOCAL:]REMOTE (e.g. 8080:80, or :80 for any free local port)");
                return 2;
            }
        }
        try {
            ApiClient.Reply found = new ApiClient(cli.socket).call("GET", "/v1/pods/" + Cli.q(pod), null);
            if (!found.ok()) {
                return cli.result(found, null);
            }
            StreamClient client = new StreamClient(cli.socket);
            List<Thread> acceptors = new ArrayList<>();
            for (Mapping m : mappings) {
                ServerSocket listening = new ServerSocket();
                listening.setReuseAddress(true);
                listening.bind(new InetSocketAddress(InetAddress.getByName(address), m.local()));
                cli.out.println("Forwarding from " + address + ":" + listening.getLocalPort() + " -> " + m.remote());
                cli.out.flush();
                Thread acceptor = new Thread(() -> accept(client, listening, m.remote()), "port-forward-" + m.remote());
                acceptor.start();
                acceptors.add(acceptor);
            }
            for (Thread t : acceptors) {
                t.join();
            }
            return 0;
        } catch (IOException e) {
            return cli.failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private void accept(StreamClient client, ServerSocket listening, int remote) {
        while (true) {
            Socket connection;
            try {
                connection = listening.accept();
            } catch (IOException e) {
                cli.err.println("podshim: port-forward: accept on " + listening.getLocalSocketAddress() + ": " + e.getMessage());
                return;
            }
            cli.out.println("Handling connection for " + listening.getLocalPort());
            cli.out.flush();
            Thread carrier = new Thread(() -> carry(client, connection, remote), "port-forward-connection");
            carrier.setDaemon(true);
            carrier.start();
        }
    }

    /** One connection: its own stream to the pod; either side closing ends both. */
    private void carry(StreamClient client, Socket connection, int remote) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        boolean[] opened = new boolean[2]; // each channel begins with the port number, which is not data
        try (connection) {
            OutputStream toLocal = connection.getOutputStream();
            Session session = client.connect("/v1/pods/" + Cli.q(pod) + "/portforward?ports=" + remote, List.of("portforward.k8s.io"),
                    new FrameListener((channel, data) -> {
                        if (channel != DATA && channel != ERROR) {
                            return;
                        }
                        if (!opened[channel]) {
                            opened[channel] = true;
                            return;
                        }
                        if (channel == DATA) {
                            toLocal.write(data);
                            toLocal.flush();
                        } else {
                            cli.err.println("podshim: port-forward: " + new String(data, StandardCharsets.UTF_8));
                        }
                    }, () -> ended.complete(null)));
            InputStream fromLocal = connection.getInputStream();
            Thread sender = new Thread(() -> {
                byte[] buffer = new byte[32 * 1024];
                try {
                    for (int n; (n = fromLocal.read(buffer)) > 0; ) {
                        StreamClient.send(session, DATA, buffer, n);
                    }
                } catch (IOException e) {
                    // the connection or the stream has ended
                }
                session.close();
            }, "port-forward-send");
            sender.setDaemon(true);
            sender.start();
            ended.join();
        } catch (IOException e) {
            cli.err.println("podshim: port-forward: " + e.getMessage());
        }
    }
}
