package io.podshim.runtime.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on loopback that holds every connection until it is opened: what lets a test
 * see two pulls wait on one another, or stop a registry while a pull is under way, without
 * racing the pull. Bytes pass through untouched (TLS included: the registry's certificate is for
 * 127.0.0.1, which this is too).
 */
public final class TcpGate implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final CountDownLatch open = new CountDownLatch(1);
    private final AtomicInteger accepted = new AtomicInteger();

    private TcpGate(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** A gate in front of 127.0.0.1:{@code targetPort}, closed. */
    public static TcpGate to(int targetPort) throws IOException {
        TcpGate gate = new TcpGate(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
        Thread acceptor = new Thread(gate::accept, "tcp-gate");
        acceptor.setDaemon(true);
        acceptor.start();
        return gate;
    }

    /** {@code 127.0.0.1:PORT}, as an image reference names it. */
    public String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Lets every held connection and every later one through. */
    public void open() {
        open.countDown();
    }

    /** How many connections have come to the gate. */
    public int accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                daemon(() -> forward(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void forward(Socket client) {
        try (client) {
            open.await();
            try (Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                Thread up = daemon(() -> pump(client, target));
                pump(target, client);
                up.join();
            }
        } catch (IOException | InterruptedException e) {
            // the target is gone, or the test is over: the client sees its connection close
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // both ends are closing
            }
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "tcp-gate");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws IOException {
        open.countDown();
        server.close();
    }
}
