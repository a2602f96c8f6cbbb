package io.podshim.runtime.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podshim.linux.StaticHelper;
import io.podshim.runtime.FileTrees;
import io.podshim.runtime.PodException;
import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.StoredImage;
import io.podshim.runtime.image.TestImages;
import io.podshim.testing.HostTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Pulls from a real registry on loopback (Debian's docker-registry, TLS with a CA made here,
 * htpasswd auth), filled with skopeo from layouts the test builds: by tag and by digest, this
 * node's image out of a multi-platform index, and the failures a user meets, each named, each
 * leaving nothing behind.
 */
@HostTest
@Tag("registry") // the cgroup v2 VM rung leaves it out: its subject does not depend on the cgroup version (vm/run.sh)
class RegistryPullHostTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path base;
    private static LocalRegistry registry;
    private static Path auth;
    private Path storeDir;
    private ImageStore store;

    @BeforeAll
    static void startRegistry() throws Exception {
        LocalRegistry.assumeTools();
        base = Files.createTempDirectory("podshim-registry-");
        registry = LocalRegistry.start(base.resolve("registry"));
        auth = registry.authFile(LocalRegistry.USER, LocalRegistry.PASSWORD);
        Path busybox = TestImages.ociLayout(base.resolve("busybox"), "1", TestImages.config(List.of("/bin/sh"), null, List.of()),
                List.of(TestImages.busyboxLayer(), TestImages.layer(List.of(TestImages.Entry.file("etc/which", "plain\n")))));
        registry.push(busybox, "1", "lab/busybox", "1", false);
        registry.push(multiPlatform(base.resolve("multi")), "multi", "lab/multi", "1", true);
    }

    @AfterAll
    static void stopRegistry() throws IOException {
        if (registry != null) {
            registry.close();
        }
        if (base != null) {
            FileTrees.delete(base);
        }
    }

    private io.podshim.testing.HostSnapshot before;

    @org.junit.jupiter.api.BeforeEach
    void freshStore() throws IOException {
        before = io.podshim.testing.HostSnapshot.take();
        storeDir = Files.createDirectories(base.resolve("store-" + UUID.randomUUID()));
        store = new ImageStore(storeDir);
    }

    @AfterEach
    void nothingStaged() throws IOException {
        try (Stream<Path> left = Files.exists(storeDir.resolve("tmp")) ? Files.list(storeDir.resolve("tmp")) : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "a pull leaves nothing in staging, whole or failed");
        }
        // No socket, thread's file or process of a pull outlives it (registries a test started are stopped by then).
        io.podshim.testing.HostSnapshot.takeAndCompare(before);
    }

    /** Pulls {@code name} into this test's store with {@code authFile} and the CAs in {@code certDir}, no registries.conf. */
    private StoredImage pull(String name, Path authFile, Path certDir) {
        return pull(name, new PullSettings(authFile, certDir, RegistriesConf.NONE), PullProgress.NONE).image();
    }

    private ImagePuller.Pulled pull(String name, PullSettings settings, PullProgress progress) {
        return new ImagePuller(store, store.stagingDir(), settings).pull(name, progress);
    }

    /** An OCI layout in {@code base/dir} whose one layer holds the file {@code path}, tagged 1. */
    private static Path oneFileImage(String dir, String path, String content) throws IOException {
        return oneFileImage(dir, path, content, TestImages.Compression.GZIP);
    }

    private static Path oneFileImage(String dir, String path, String content, TestImages.Compression compression) throws IOException {
        return TestImages.ociLayout(base.resolve(dir), "1", TestImages.config(List.of("/bin/sh"), null, List.of()),
                List.of(TestImages.layer(List.of(TestImages.Entry.file(path, content)))), compression);
    }

    private String ref(String repoAndTag) {
        return registry.host + "/" + repoAndTag;
    }

    @Test
    void anImageIsPulledByTagWithCredentialsOverTlsAndRunsFromTheStore() throws IOException {
        StoredImage image = pull(ref("lab/busybox:1"), auth, registry.caDir);
        assertEquals(ref("lab/busybox:1"), image.name());
        assertTrue(Files.isExecutable(image.rootfs().resolve("bin/busybox")), "the layers are applied");
        assertEquals("plain\n", Files.readString(image.rootfs().resolve("etc/which")));
        assertEquals(List.of("/bin/sh"), image.config().entrypoint());
        assertEquals(Optional.of(image.id()), store.find(ref("lab/busybox:1")).map(StoredImage::id));
    }

    @Test
    void anImageIsPulledByDigestAndAWrongDigestIsRefused() {
        String digest;
        try (RegistryClient client = new RegistryClient(ImageReference.parse(ref("lab/busybox:1")),
                RegistryAuth.find(registry.host, auth), registry.caDir)) {
            digest = client.manifest("1").digest();
        }
        StoredImage byDigest = pull(ref("lab/busybox@" + digest), auth, registry.caDir);
        assertTrue(Files.isExecutable(byDigest.rootfs().resolve("bin/busybox")));
        PodException missing = assertThrows(PodException.class, () -> pull(ref("lab/busybox@sha256:" + "0".repeat(64)),
                auth, registry.caDir));
        assertEquals(PodException.Kind.NOT_FOUND, missing.kind(), missing.getMessage());
    }

    @Test
    void thisNodesImageIsChosenFromAMultiPlatformIndex() throws IOException {
        StoredImage image = pull(ref("lab/multi:1"), auth, registry.caDir);
        String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
        assertEquals(arch + "\n", Files.readString(image.rootfs().resolve("etc/arch")), "the image for linux/" + arch);
    }

    @Test
    void wrongOrMissingCredentialsAreNamedWithTheRegistryAndTheFile() throws IOException {
        Path wrong = registry.authFile("intruder", "guess");
        PodException bad = assertThrows(PodException.class, () -> pull(ref("lab/busybox:1"), wrong, registry.caDir));
        assertEquals("401 Unauthorized from " + registry.host + " for lab/busybox: check the credentials in " + wrong, bad.getMessage());
        Path empty = Files.writeString(base.resolve("empty-auth.json"), "{\"auths\": {}}");
        PodException none = assertThrows(PodException.class, () -> pull(ref("lab/busybox:1"), empty, registry.caDir));
        assertTrue(none.getMessage().startsWith("401 Unauthorized from " + registry.host + " for lab/busybox: it wants credentials"),
                none.getMessage());
        assertTrue(!bad.getMessage().contains("guess") && !none.getMessage().contains(LocalRegistry.PASSWORD), "no secret in errors");
        assertEquals(List.of(), store.names(), "nothing stored");
    }

    @Test
    void aMissingTagAndAnUntrustedRegistryAreNamed() {
        PodException missing = assertThrows(PodException.class, () -> pull(ref("lab/busybox:2"), auth, registry.caDir));
        assertEquals("404 Not Found from " + registry.host + " for lab/busybox: manifest 2 does not exist (check the name and tag)",
                missing.getMessage());
        PodException untrusted = assertThrows(PodException.class, () -> pull(ref("lab/busybox:1"), auth,
                Files.createDirectories(base.resolve("no-ca"))));
        assertEquals(PodException.Kind.UNAVAILABLE, untrusted.kind());
        assertTrue(untrusted.getMessage().contains(registry.host), untrusted.getMessage());
    }

    @Test
    void aBlobWhoseContentDoesNotMatchItsDigestIsRefusedAndNothingIsStored() throws Exception {
        Path layout = oneFileImage("tampered", "etc/secret", "original\n");
        registry.push(layout, "1", "lab/tampered", "1", false);
        String layer;
        try (RegistryClient client = new RegistryClient(ImageReference.parse(ref("lab/tampered:1")),
                RegistryAuth.find(registry.host, auth), registry.caDir)) {
            layer = JSON.readTree(client.manifest("1").bytes()).path("layers").get(0).path("digest").asText();
        }
        String hex = layer.substring("sha256:".length());
        Path data = registry.storage.resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x55; // one byte changed behind the registry's back
        Files.write(data, bytes);
        PodException refused = assertThrows(PodException.class, () -> pull(ref("lab/tampered:1"), auth, registry.caDir));
        assertTrue(refused.getMessage().startsWith("blob " + layer + " from " + registry.host + " for lab/tampered does not match its digest"),
                refused.getMessage());
        assertEquals(List.of(), store.names());
    }

    /** The Bearer challenge: a token from the registry's token endpoint, fetched with the credentials, for this repository. */
    @Test
    void aRegistryWithTokenAuthIsPulledFromWithABearerToken() throws Exception {
        try (LocalRegistry tokens = LocalRegistry.start(base.resolve("token-registry"), LocalRegistry.Setup.TOKEN)) {
            Path layout = oneFileImage("token-image", "etc/via", "token\n");
            tokens.push(layout, "1", "lab/app", "1", false);
            int before = tokens.tokensIssued();
            Path tokenAuth = tokens.authFile(LocalRegistry.USER, LocalRegistry.PASSWORD);
            StoredImage image = pull(tokens.host + "/lab/app:1", tokenAuth, tokens.caDir);
            assertEquals("token\n", Files.readString(image.rootfs().resolve("etc/via")));
            assertEquals(before + 1, tokens.tokensIssued(), "one token for the pull, reused for every request");
            Path wrong = tokens.authFile("intruder", "guess");
            PodException refused = assertThrows(PodException.class, () -> pull(tokens.host + "/lab/app:1", wrong, tokens.caDir));
            assertTrue(refused.getMessage().startsWith("401 Unauthorized from " + tokens.host + " for lab/app"), refused.getMessage());
        }
    }

    @Test
    void loginChecksTheCredentialsWritesThemForPullAndLogoutRemovesThem() throws IOException {
        Path file = base.resolve("login/auth.json");
        String[] login = {"login", registry.host, "-u", LocalRegistry.USER, "--password-stdin", "--authfile", file.toString(),
                "--cert-dir", registry.caDir.toString()};
        Result wrong = login(login, "not-the-password\n");
        assertEquals(1, wrong.code());
        assertEquals("podshim: login " + registry.host + ": 401 Unauthorized from " + registry.host + " for library/login: check the"
                + " credentials in " + file + "\n", wrong.err());
        assertTrue(Files.notExists(file), "nothing written for credentials the registry refused");
        Result ok = login(login, LocalRegistry.PASSWORD + "\n");
        assertEquals(new Result(0, "Login Succeeded!\n", ""), ok);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(LocalRegistry.USER, RegistryAuth.find(registry.host, file).orElseThrow().user());
        pull(ref("lab/busybox:1"), file, registry.caDir);
        assertEquals(new Result(0, "Removed login credentials for " + registry.host + "\n", ""),
                login(new String[] {"logout", registry.host, "--authfile", file.toString()}, ""));
        assertEquals(Optional.empty(), RegistryAuth.find(registry.host, file));
        assertEquals(2, login(new String[] {"login", registry.host, "-u", "lab", "-p", "x"}, "").code(),
                "a password on the command line is refused");
    }

    @Test
    void zstdLayersArePulledAndUnpacked() throws Exception {
        Path layout = oneFileImage("zstd", "etc/packed", "by zstd\n", TestImages.Compression.ZSTD);
        registry.push(layout, "1", "lab/zstd", "1", false);
        StoredImage image = pull(ref("lab/zstd:1"), auth, registry.caDir);
        assertEquals("by zstd\n", Files.readString(image.rootfs().resolve("etc/packed")));
    }

    /**
     * The registry dies while a layer streams in (killed from the progress callback, once the
     * first bytes of a 24 MiB layer are here): the pull fails naming the reference's registry,
     * nothing is stored, nothing staged; once the registry is back, the same pull succeeds.
     */
    @Test
    void aRegistryKilledInTheMiddleOfABlobFailsThePullCleanlyAndThePullWorksOnceItIsBack() throws Exception {
        try (LocalRegistry dying = LocalRegistry.start(base.resolve("dying"), LocalRegistry.Setup.OPEN)) {
            Path layout = TestImages.ociLayout(base.resolve("big"), "1", TestImages.config(List.of("/bin/sh"), null, List.of()),
                    List.of(TestImages.randomLayer("big", 24 << 20, 7)), TestImages.Compression.NONE);
            dying.push(layout, "1", "lab/big", "1", false);
            java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong receivedAtKill = new java.util.concurrent.atomic.AtomicLong();
            PullProgress killer = new PullProgress() {
                @Override
                public void received(String digest, long bytes) {
                    if (bytes > 0 && bytes < (24 << 20) && killed.compareAndSet(false, true)) {
                        receivedAtKill.set(bytes);
                        dying.kill();
                    }
                }
            };
            PullSettings settings = new PullSettings(null, dying.caDir, RegistriesConf.NONE);
            PodException broke = assertThrows(PodException.class, () -> pull(dying.host + "/lab/big:1", settings, killer));
            assertTrue(killed.get() && receivedAtKill.get() < (24 << 20), "killed in the middle of the layer");
            assertTrue(broke.getMessage().contains(dying.host) && broke.getMessage().contains("lab/big"), broke.getMessage());
            assertEquals(List.of(), store.names(), "no partial image");
            dying.resume();
            ImagePuller.Pulled pulled = pull(dying.host + "/lab/big:1", settings, PullProgress.NONE);
            assertEquals(24 << 20, Files.size(pulled.image().rootfs().resolve("big")));
            assertTrue(pulled.fetched());
        }
    }

    @Test
    void aPullOfAnImageTheStoreHasFetchesOnlyItsManifest() throws Exception {
        PullSettings settings = new PullSettings(auth, registry.caDir, RegistriesConf.NONE);
        ImagePuller.Pulled first = pull(ref("lab/busybox:1"), settings, PullProgress.NONE);
        // The image id is its config's digest: the config blob is what a second pull would fetch first.
        long blobsBefore = registry.requests("GET /v2/lab/busybox/blobs/" + first.image().id(), 200);
        assertTrue(blobsBefore >= 1, "the registry's access log shows the first pull's fetch of the config");
        ImagePuller.Pulled again = pull(ref("lab/busybox:1"), settings, PullProgress.NONE);
        assertTrue(first.fetched() && !again.fetched());
        assertEquals(first.image().id(), again.image().id());
        assertEquals(blobsBefore, registry.requests("GET /v2/lab/busybox/blobs/" + first.image().id(), 200), "the config is not fetched again");
        assertEquals(first.size(), again.size());
    }

    @Test
    void aMirrorFromRegistriesConfServesTheImageUnderItsOwnName() throws Exception {
        try (LocalRegistry mirror = LocalRegistry.start(base.resolve("mirror"), LocalRegistry.Setup.OPEN)) {
            Path layout = oneFileImage("mirrored", "etc/from", "the mirror\n");
            mirror.push(layout, "1", "cache/lab/mirrored", "1", false);
            Path conf = Files.writeString(base.resolve("mirror-registries.conf"), """
                    [[registry]]
                    prefix = "%s/lab"
                    location = "%s/lab"
                    [[registry.mirror]]
                    location = "%s/cache/lab"
                    """.formatted(registry.host, registry.host, mirror.host));
            Path cas = Files.createDirectories(base.resolve("both-cas"));
            Files.copy(registry.caDir.resolve("ca.crt"), cas.resolve("primary.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(mirror.caDir.resolve("ca.crt"), cas.resolve("mirror.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            ImagePuller.Pulled pulled = pull(ref("lab/mirrored:1"), new PullSettings(auth, cas, RegistriesConf.load(conf)), PullProgress.NONE);
            assertEquals(mirror.host + "/cache/lab/mirrored", pulled.endpoint());
            assertEquals(ref("lab/mirrored:1"), pulled.image().name(), "stored under the name asked for");
            assertEquals("the mirror\n", Files.readString(pulled.image().rootfs().resolve("etc/from")));
            assertEquals(0, registry.requests("GET /v2/lab/mirrored/manifests/1", 200) + registry.requests("GET /v2/lab/mirrored/manifests/1", 404),
                    "the primary was not asked");
            // A mirror without the image: the primary answers, and its answer is the error.
            PodException missing = assertThrows(PodException.class, () -> pull(ref("lab/nowhere:1"),
                    new PullSettings(auth, cas, RegistriesConf.load(conf)), PullProgress.NONE));
            assertTrue(missing.getMessage().startsWith("404 Not Found from " + registry.host + " for lab/nowhere")
                    && missing.getMessage().contains("its mirrors failed too: " + mirror.host), missing.getMessage());
        }
    }

    @Test
    void aPlainHttpRegistryIsUsedOnlyWhenRegistriesConfMarksItInsecure() throws Exception {
        try (LocalRegistry plain = LocalRegistry.start(base.resolve("plain"), LocalRegistry.Setup.PLAIN)) {
            Path layout = oneFileImage("plain-image", "etc/over", "http\n");
            plain.push(layout, "1", "lab/plain", "1", false);
            PodException refused = assertThrows(PodException.class, () -> pull(plain.host + "/lab/plain:1",
                    new PullSettings(null, null, RegistriesConf.NONE), PullProgress.NONE));
            assertEquals(PodException.Kind.UNAVAILABLE, refused.kind());
            assertTrue(refused.getMessage().contains("TLS") && refused.getMessage().contains("mark it insecure in registries.conf"),
                    refused.getMessage());
            assertEquals(List.of(), store.names());
            Path conf = Files.writeString(base.resolve("insecure-registries.conf"), """
                    [[registry]]
                    location = "%s"
                    insecure = true
                    """.formatted(plain.host));
            ImagePuller.Pulled pulled = pull(plain.host + "/lab/plain:1", new PullSettings(null, null, RegistriesConf.load(conf)),
                    PullProgress.NONE);
            assertEquals("http\n", Files.readString(pulled.image().rootfs().resolve("etc/over")));
        }
    }

    /** certs.d's client certificate: NAME.cert with NAME.key, as PKCS#8 (openssl's own) and as PKCS#1 (older tools'). */
    @Test
    void aRegistryThatAsksForAClientCertificateGetsTheOneBesideItsCa() throws Exception {
        try (LocalRegistry strict = LocalRegistry.start(base.resolve("strict"), LocalRegistry.Setup.CLIENT_CERTS)) {
            Path layout = oneFileImage("strict-image", "etc/who", "a known client\n");
            strict.push(layout, "1", "lab/strict", "1", false);
            PodException refused = assertThrows(PodException.class, () -> pull(strict.host + "/lab/strict:1", null, strict.caDir));
            assertTrue(refused.getMessage().contains(strict.host), refused.getMessage());
            assertEquals("a known client\n", Files.readString(pull(strict.host + "/lab/strict:1", null, strict.clientDir).rootfs()
                    .resolve("etc/who")));
            Path pkcs1 = Files.createDirectories(base.resolve("pkcs1"));
            Files.copy(strict.clientDir.resolve("ca.crt"), pkcs1.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(strict.clientDir.resolve("client.cert"), pkcs1.resolve("client.cert"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Process convert = new ProcessBuilder("openssl", "rsa", "-traditional", "-in", strict.clientDir.resolve("client.key").toString(),
                    "-out", pkcs1.resolve("client.key").toString()).redirectErrorStream(true).start();
            assertEquals(0, convert.waitFor(), new String(convert.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(Files.readString(pkcs1.resolve("client.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
            store.remove(strict.host + "/lab/strict:1");
            assertEquals("a known client\n", Files.readString(pull(strict.host + "/lab/strict:1", null, pkcs1).rootfs().resolve("etc/who")));
            FileTrees.delete(pkcs1);
        }
    }

    @Test
    void aBlockedRegistryIsRefusedNamingTheFile() throws IOException {
        Path conf = Files.writeString(base.resolve("blocked-registries.conf"), """
                [[registry]]
                prefix = "%s/lab/busybox"
                location = "%s/lab/busybox"
                blocked = true
                """.formatted(registry.host, registry.host));
        long asked = registry.requests("GET /v2/lab/busybox/manifests/1", 401) + registry.requests("GET /v2/lab/busybox/manifests/1", 200);
        PodException blocked = assertThrows(PodException.class, () -> pull(ref("lab/busybox:1"),
                new PullSettings(auth, registry.caDir, RegistriesConf.load(conf)), PullProgress.NONE));
        assertEquals("pulling " + ref("lab/busybox:1") + " is blocked by the [[registry]] prefix \"" + registry.host
                + "/lab/busybox\" in " + conf + ": unblock it there, or use another image", blocked.getMessage());
        assertEquals(asked, registry.requests("GET /v2/lab/busybox/manifests/1", 401) + registry.requests("GET /v2/lab/busybox/manifests/1",
                200), "the registry was not asked");
    }

    @Test
    void progressOffATerminalIsOnePlainLinePerBlob() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pull(ref("lab/busybox:1"), new PullSettings(auth, registry.caDir, RegistriesConf.NONE),
                new ConsolePullProgress(new PrintStream(out, true, StandardCharsets.UTF_8), false));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(0).startsWith("Pulling " + ref("lab/busybox:1") + " from " + registry.host + "/lab/busybox (manifest "),
                lines.get(0));
        assertEquals(1, lines.stream().filter(l -> l.matches("Copied config [0-9a-f]{12} \\(.*\\)")).count(), lines.toString());
        assertEquals(2, lines.stream().filter(l -> l.matches("Copied blob [0-9a-f]{12} \\(.*\\)")).count(), lines.toString());
        assertEquals(2, lines.stream().filter(l -> l.matches("Unpacked layer [0-9a-f]{12}")).count(), lines.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("Unpacked layer "), "the last layer is unpacked last: " + lines);
        assertTrue(out.toString(StandardCharsets.UTF_8).chars().noneMatch(c -> c == '\r' || c == 0x1b), "no control characters");
    }

    private record Result(int code, String out, String err) {}

    private static Result login(String[] args, String stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = io.podshim.runtime.LoginCommand.run(args, new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theCliPullsAndSaysWhatFailed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = io.podshim.runtime.ImageCommand.run(new String[] {"image", "pull", ref("lab/busybox:1"), "--authfile", auth.toString(),
                "--cert-dir", registry.caDir.toString(), "--store", storeDir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(ref("lab/busybox:1") + " sha256:"), out.toString(StandardCharsets.UTF_8));
        err.reset();
        code = io.podshim.runtime.ImageCommand.run(new String[] {"image", "pull", ref("lab/busybox:9"), "--authfile", auth.toString(),
                "--cert-dir", registry.caDir.toString(), "--store", storeDir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertEquals("podshim: image pull " + ref("lab/busybox:9") + ": 404 Not Found from " + registry.host
                + " for lab/busybox: manifest 9 does not exist (check the name and tag)\n", err.toString(StandardCharsets.UTF_8));
    }

    /** An OCI layout whose "multi" is an index: linux/amd64 and linux/arm64, each with its own etc/arch. */
    private static Path multiPlatform(Path dir) throws IOException {
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.index.v1+json");
        var manifests = index.putArray("manifests");
        for (String arch : List.of("arm64", "amd64")) {
            Path one = TestImages.ociLayout(base.resolve("multi-" + arch), arch, TestImages.config(List.of("/bin/sh"), null, List.of()),
                    List.of(TestImages.layer(List.of(TestImages.Entry.file("etc/arch", arch + "\n")))));
            Files.createDirectories(dir.resolve("blobs/sha256"));
            try (Stream<Path> blobs = Files.list(one.resolve("blobs/sha256"))) {
                for (Path blob : (Iterable<Path>) blobs::iterator) {
                    Files.copy(blob, dir.resolve("blobs/sha256").resolve(blob.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            ObjectNode entry = (ObjectNode) JSON.readTree(one.resolve("index.json").toFile()).path("manifests").get(0);
            entry.remove("annotations");
            entry.putObject("platform").put("os", "linux").put("architecture", arch);
            manifests.add(entry);
        }
        byte[] indexBytes = JSON.writeValueAsBytes(index);
        String hex = StaticHelper.sha256(indexBytes);
        Files.write(dir.resolve("blobs/sha256/" + hex), indexBytes);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode top = JSON.createObjectNode().put("schemaVersion", 2);
        ObjectNode entry = top.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.index.v1+json")
                .put("digest", "sha256:" + hex).put("size", indexBytes.length);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", "multi");
        JSON.writeValue(dir.resolve("index.json").toFile(), top);
        return dir;
    }
}
