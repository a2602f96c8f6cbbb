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
public final class LocalRegistry implements AutoCloseable {
    public static final String USER = "lab";
    public static final String PASSWORD = "s3cret-pass";

    /**
     * How the registry is set up.
     *
     * @param tls TLS with the CA made here; without, plain HTTP
     * @param auth htpasswd (Basic) auth, or with {@code tokenAuth} Bearer tokens; without, anyone may pull
     * @param tokenAuth Bearer tokens from a token endpoint of the test's own ({@link TokenServer})
     * @param clientCerts TLS that asks for a client certificate signed by the CA ({@link #clientDir})
     */
    public record Setup(boolean tls, boolean auth, boolean tokenAuth, boolean clientCerts) {
        public static final Setup BASIC = new Setup(true, true, false, false);
        public static final Setup TOKEN = new Setup(true, true, true, false);
        /** Plain HTTP, no auth: what registries.conf must mark insecure. */
        public static final Setup PLAIN = new Setup(false, false, false, false);
        /** TLS, no auth: a mirror. */
        public static final Setup OPEN = new Setup(true, false, false, false);
        /** TLS with client certificates, no other auth. */
        public static final Setup CLIENT_CERTS = new Setup(true, false, false, true);
    }

    public final Path dir;
    /** The CA's certificate, alone in a directory (a --cert-dir, a certs.d/HOST). */
    public final Path caDir;
    /** The CA's certificate with a client certificate it signed, {@code client.cert} and {@code client.key} (PKCS#8). */
    public final Path clientDir;
    public final Path storage;
    public final String host;
    private final Setup setup;
    private final TokenServer tokens;
    private Process process;

    private LocalRegistry(Path dir, Path caDir, Path storage, String host, Setup setup, TokenServer tokens) {
        this.dir = dir;
        this.caDir = caDir;
        this.clientDir = dir.resolve("client");
        this.storage = storage;
        this.host = host;
        this.setup = setup;
        this.tokens = tokens;
    }

    public static String missingTools() {
        for (String tool : List.of("/usr/bin/docker-registry", "/usr/bin/skopeo", "/usr/bin/htpasswd", "/usr/bin/openssl")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return tool + " is missing: apt-get install docker-registry skopeo apache2-utils openssl (.ci/run does)";
            }
        }
        return null;
    }

    /**
     * Skips the calling test class when the registry's tools are missing, saying which; under
     * {@code PODSHIM_REQUIRE_HOST_TESTS=1} (CI) that is a failure instead.
     */
    public static void assumeTools() {
        String missing = missingTools();
        if (missing != null && "1".equals(System.getenv("PODSHIM_REQUIRE_HOST_TESTS"))) {
            throw new IllegalStateException("PODSHIM_REQUIRE_HOST_TESTS=1 but the registry tests cannot run: " + missing);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(missing == null, missing);
    }

    /** A registry with htpasswd (Basic) auth over TLS. */
    public static LocalRegistry start(Path dir) throws IOException, InterruptedException {
        return start(dir, Setup.BASIC);
    }

    public static LocalRegistry start(Path dir, Setup setup) throws IOException, InterruptedException {
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
        if (setup.clientCerts()) {
            Files.createDirectories(dir.resolve("client"));
            Files.copy(caDir.resolve("ca.crt"), dir.resolve("client/ca.crt"));
            run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=podshim test client", "-keyout", "client/client.key",
                    "-out", "client.csr");
            run(dir, "openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca/ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-days", "2", "-out", "client/client.cert");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path storage = Files.createDirectories(dir.resolve("storage"));
        TokenServer tokens = null;
        String auth = "";
        if (setup.tokenAuth()) {
            run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=podshim test tokens",
                    "-keyout", "token.key", "-out", "token.crt");
            tokens = TokenServer.start(dir.resolve("token.key"), dir.resolve("token.crt"), USER, PASSWORD);
            auth = "auth: {token: {realm: %s, service: %s, issuer: %s, rootcertbundle: %s}}".formatted(tokens.realm(),
                    TokenServer.SERVICE, TokenServer.ISSUER, dir.resolve("token.crt"));
        } else if (setup.auth()) {
            auth = "auth: {htpasswd: {realm: podshim-test, path: %s}}".formatted(dir.resolve("htpasswd"));
        }
        String tls = !setup.tls() ? "" : "  tls: {certificate: %s, key: %s%s}".formatted(dir.resolve("server.crt"), dir.resolve("server.key"),
                setup.clientCerts() ? ", clientcas: [" + caDir.resolve("ca.crt") + "]" : "");
        // Access lines (one per request) go to the log: how the tests count what a pull asked for.
        Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log: {level: warn, accesslog: {disabled: false}}
                storage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}
                http:
                  addr: 127.0.0.1:%d
                %s
                %s
                """.formatted(storage, port, tls, auth));
        LocalRegistry started = new LocalRegistry(dir, caDir, storage, "127.0.0.1:" + port, setup, tokens);
        started.resume();
        return started;
    }

    /** Starts (again) the registry process, on the same port and storage, once it listens. */
    public void resume() throws IOException {
        int port = Integer.parseInt(host.substring(host.indexOf(':') + 1));
        Process registry = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile())).start();
        process = registry;
        long deadline = System.nanoTime() + Patience.of(Duration.ofSeconds(30)).toNanos();
        while (true) {
            try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (!registry.isAlive() || System.nanoTime() > deadline) {
                    registry.destroyForcibly();
                    throw new IllegalStateException("docker-registry did not listen on " + port + ": "
                            + Files.readString(dir.resolve("registry.log")));
                }
                Thread.onSpinWait();
            }
        }
    }

    /** Kills the registry process at once (SIGKILL): whatever it was sending breaks off. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many times the registry has answered {@code request} ("GET /v2/lab/app/manifests/1") with {@code status}, by its access log. */
    public long requests(String request, int status) throws IOException {
        try (java.util.stream.Stream<String> lines = Files.lines(dir.resolve("registry.log"))) {
            return lines.filter(l -> l.contains("\"" + request + " HTTP/") && l.contains("\" " + status + " ")).count();
        }
    }

    /** The port it listens on. */
    public int port() {
        return Integer.parseInt(host.substring(host.indexOf(':') + 1));
    }

    /** skopeo copy of the OCI layout {@code layout} (its {@code tag}) to REPO:TAG here; with {@code all}, every platform of an index. */
    public void push(Path layout, String tag, String repository, String destTag, boolean all) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("skopeo", "copy", "--quiet"));
        if (setup.auth()) {
            args.addAll(List.of("--dest-creds", USER + ":" + PASSWORD));
        }
        args.addAll(setup.tls() ? List.of("--dest-cert-dir", (setup.clientCerts() ? clientDir : caDir).toString())
                : List.of("--dest-tls-verify=false"));
        if (all) {
            args.add("--all");
        }
        args.add("oci:" + layout + ":" + tag);
        args.add("docker://" + host + "/" + repository + ":" + destTag);
        run(dir, args.toArray(String[]::new));
    }

    /** An auth.json for this registry, as podman and skopeo write it. */
    public Path authFile(String user, String password) throws IOException {
        return authFile(user, password, host);
    }

    /** An auth.json with this registry's {@code user} for each of {@code hosts} (a gate in front of it, say). */
    public Path authFile(String user, String password, String... hosts) throws IOException {
        String auth = java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        String entries = java.util.Arrays.stream(hosts).map(h -> "\"" + h + "\": {\"auth\": \"" + auth + "\"}")
                .collect(java.util.stream.Collectors.joining(", "));
        return Files.writeString(dir.resolve("auth-" + user + "-" + hosts.length + ".json"), "{\"auths\": {" + entries + "}}");
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
    public int tokensIssued() {
        return tokens == null ? 0 : tokens.issued();
    }

    @Override
    public void close() throws IOException {
        if (tokens != null) {
            tokens.close();
        }
        kill();
        FileTrees.delete(dir);
    }
}
