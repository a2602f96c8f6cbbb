package io.podshim.runtime.image.registry;

import io.podshim.runtime.FileTrees;
import io.podshim.testing.Patience;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real registry on loopback for tests: Debian's {@code docker-registry} (distribution 2.8) over
 * TLS with a CA made here, htpasswd auth, its storage in a directory of its own; images are pushed
 * into it with Debian's {@code skopeo} from OCI layouts the tests build. Nothing listens beyond
 * 127.0.0.1. {@link #close} stops it and removes everything.
 */
final class LocalRegistry implements AutoCloseable {
    static final String USER = "lab";
    static final String PASSWORD = "s3cret-pass";

    final Path dir;
    /** The CA's certificate, alone in a directory (a --cert-dir, a certs.d/HOST). */
    final Path caDir;
    final Path storage;
    final String host;
    private final Process process;
    private final TokenServer tokens;

    private LocalRegistry(Path dir, Path caDir, Path storage, String host, Process process, TokenServer tokens) {
        this.dir = dir;
        this.caDir = caDir;
        this.storage = storage;
        this.host = host;
        this.process = process;
        this.tokens = tokens;
    }

    static String missingTools() {
        for (String tool : List.of("/usr/bin/docker-registry", "/usr/bin/skopeo", "/usr/bin/htpasswd", "/usr/bin/openssl")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return tool + " is missing: apt-get install docker-registry skopeo apache2-utils openssl (.ci/run does)";
            }
        }
        return null;
    }

    /** A registry with htpasswd (Basic) auth. */
    static LocalRegistry start(Path dir) throws IOException, InterruptedException {
        return start(dir, false);
    }

    /**
     * With {@code tokenAuth}, the registry asks for Bearer tokens from a token endpoint of the
     * test's own ({@link TokenServer}) instead of Basic auth.
     */
    static LocalRegistry start(Path dir, boolean tokenAuth) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path caDir = Files.createDirectories(dir.resolve("ca"));
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=podshim test CA",
                "-keyout", "ca.key", "-out", "ca/ca.crt");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                "-out", "server.csr");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca/ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "san.ext", "-out", "server.crt");
        Files.writeString(dir.resolve("htpasswd"), run(dir, "htpasswd", "-Bbn", USER, PASSWORD));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path storage = Files.createDirectories(dir.resolve("storage"));
        TokenServer tokens = null;
        String auth;
        if (tokenAuth) {
            run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=podshim test tokens",
                    "-keyout", "token.key", "-out", "token.crt");
            tokens = TokenServer.start(dir.resolve("token.key"), dir.resolve("token.crt"), USER, PASSWORD);
            auth = "token: {realm: %s, service: %s, issuer: %s, rootcertbundle: %s}".formatted(tokens.realm(), TokenServer.SERVICE,
                    TokenServer.ISSUER, dir.resolve("token.crt"));
        } else {
            auth = "htpasswd: {realm: podshim-test, path: %s}".formatted(dir.resolve("htpasswd"));
        }
        Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log: {level: warn}
                storage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}
                http:
                  addr: 127.0.0.1:%d
                  tls: {certificate: %s, key: %s}
                auth:
                  %s
                """.formatted(storage, port, dir.resolve("server.crt"), dir.resolve("server.key"), auth));
        Process registry = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry started = new LocalRegistry(dir, caDir, storage, "127.0.0.1:" + port, registry, tokens);
        long deadline = System.nanoTime() + Patience.of(Duration.ofSeconds(30)).toNanos();
        while (true) {
            try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                return started;
            } catch (IOException notYet) {
                if (!registry.isAlive() || System.nanoTime() > deadline) {
                    started.close();
                    throw new IllegalStateException("docker-registry did not listen on " + port + ": "
                            + Files.readString(dir.resolve("registry.log")));
                }
                Thread.onSpinWait();
            }
        }
    }

    /** skopeo copy of the OCI layout {@code layout} (its {@code tag}) to REPO:TAG here; with {@code all}, every platform of an index. */
    void push(Path layout, String tag, String repository, String destTag, boolean all) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-creds", USER + ":" + PASSWORD,
                "--dest-cert-dir", caDir.toString()));
        if (all) {
            args.add("--all");
        }
        args.add("oci:" + layout + ":" + tag);
        args.add("docker://" + host + "/" + repository + ":" + destTag);
        run(dir, args.toArray(String[]::new));
    }

    /** An auth.json for this registry, as podman and skopeo write it. */
    Path authFile(String user, String password) throws IOException {
        String auth = java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return Files.writeString(dir.resolve("auth-" + user + ".json"), "{\"auths\": {\"" + host + "\": {\"auth\": \"" + auth + "\"}}}");
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(Patience.of(Duration.ofSeconds(120)).toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + output);
        }
        return output;
    }

    /** How many tokens the token endpoint has handed out (0 for a registry with Basic auth). */
    int tokensIssued() {
        return tokens == null ? 0 : tokens.issued();
    }

    @Override
    public void close() throws IOException {
        if (tokens != null) {
            tokens.close();
        }
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        FileTrees.delete(dir);
    }
}
