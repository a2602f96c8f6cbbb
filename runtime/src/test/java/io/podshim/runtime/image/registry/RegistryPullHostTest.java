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
import io.podshim.runtime.image.ImportProgress;
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
import org.junit.jupiter.api.Test;

/**
 * Pulls from a real registry on loopback (Debian's docker-registry, TLS with a CA made here,
 * htpasswd auth), filled with skopeo from layouts the test builds: by tag and by digest, this
 * node's image out of a multi-platform index, and the failures a user meets, each named, each
 * leaving nothing behind.
 */
@HostTest
class RegistryPullHostTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path base;
    private static LocalRegistry registry;
    private static Path auth;
    private Path storeDir;
    private ImageStore store;
    private ImagePuller puller;

    @BeforeAll
    static void startRegistry() throws Exception {
        String missing = LocalRegistry.missingTools();
        if (missing != null && "1".equals(System.getenv("PODSHIM_REQUIRE_HOST_TESTS"))) {
            throw new IllegalStateException("PODSHIM_REQUIRE_HOST_TESTS=1 but the registry tests cannot run: " + missing);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(missing == null, missing);
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

    @org.junit.jupiter.api.BeforeEach
    void freshStore() throws IOException {
        storeDir = Files.createDirectories(base.resolve("store-" + UUID.randomUUID()));
        store = new ImageStore(storeDir);
        puller = new ImagePuller(store, storeDir.resolve("tmp"));
    }

    @AfterEach
    void nothingStaged() throws IOException {
        try (Stream<Path> left = Files.exists(storeDir.resolve("tmp")) ? Files.list(storeDir.resolve("tmp")) : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "a pull leaves nothing in staging, whole or failed");
        }
    }

    private String ref(String repoAndTag) {
        return registry.host + "/" + repoAndTag;
    }

    @Test
    void anImageIsPulledByTagWithCredentialsOverTlsAndRunsFromTheStore() throws IOException {
        StoredImage image = puller.pull(ref("lab/busybox:1"), auth, registry.caDir, ImportProgress.NONE);
        assertEquals(ref("lab/busybox:1"), image.name());
        assertTrue(Files.isExecutable(image.rootfs().resolve("bin/busybox")), "the layers are applied");
        assertEquals("plain\n", Files.readString(image.rootfs().resolve("etc/which")));
        assertEquals(List.of("/bin/sh"), image.config().entrypoint());
        assertEquals(Optional.of(image.id()), store.find(ref("lab/busybox:1")).map(StoredImage::id));
    }

    @Test
    void anImageIsPulledByDigestAndAWrongDigestIsRefused() {
        RegistryClient client = new RegistryClient(ImageReference.parse(ref("lab/busybox:1")),
                RegistryAuth.find(registry.host, auth), registry.caDir);
        String digest = client.manifest("1").digest();
        StoredImage byDigest = puller.pull(ref("lab/busybox@" + digest), auth, registry.caDir, ImportProgress.NONE);
        assertTrue(Files.isExecutable(byDigest.rootfs().resolve("bin/busybox")));
        PodException missing = assertThrows(PodException.class, () -> puller.pull(ref("lab/busybox@sha256:" + "0".repeat(64)),
                auth, registry.caDir, ImportProgress.NONE));
        assertEquals(PodException.Kind.NOT_FOUND, missing.kind(), missing.getMessage());
    }

    @Test
    void thisNodesImageIsChosenFromAMultiPlatformIndex() throws IOException {
        StoredImage image = puller.pull(ref("lab/multi:1"), auth, registry.caDir, ImportProgress.NONE);
        String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
        assertEquals(arch + "\n", Files.readString(image.rootfs().resolve("etc/arch")), "the image for linux/" + arch);
    }

    @Test
    void wrongOrMissingCredentialsAreNamedWithTheRegistryAndTheFile() throws IOException {
        Path wrong = registry.authFile("intruder", "guess");
        PodException bad = assertThrows(PodException.class, () -> puller.pull(ref("lab/busybox:1"), wrong, registry.caDir,
                ImportProgress.NONE));
        assertEquals("401 Unauthorized from " + registry.host + " for lab/busybox: check the credentials in " + wrong, bad.getMessage());
        Path empty = Files.writeString(base.resolve("empty-auth.json"), "{\"auths\": {}}");
        PodException none = assertThrows(PodException.class, () -> puller.pull(ref("lab/busybox:1"), empty, registry.caDir,
                ImportProgress.NONE));
        assertTrue(none.getMessage().startsWith("401 Unauthorized from " + registry.host + " for lab/busybox: it wants credentials"),
                none.getMessage());
        assertTrue(!bad.getMessage().contains("guess") && !none.getMessage().contains(LocalRegistry.PASSWORD), "no secret in errors");
        assertEquals(List.of(), store.names(), "nothing stored");
    }

    @Test
    void aMissingTagAndAnUntrustedRegistryAreNamed() {
        PodException missing = assertThrows(PodException.class, () -> puller.pull(ref("lab/busybox:2"), auth, registry.caDir,
                ImportProgress.NONE));
        assertEquals("404 Not Found from " + registry.host + " for lab/busybox: manifest 2 does not exist (check the name and tag)",
                missing.getMessage());
        PodException untrusted = assertThrows(PodException.class, () -> puller.pull(ref("lab/busybox:1"), auth,
                Files.createDirectories(base.resolve("no-ca")), ImportProgress.NONE));
        assertEquals(PodException.Kind.UNAVAILABLE, untrusted.kind());
        assertTrue(untrusted.getMessage().contains(registry.host), untrusted.getMessage());
    }

    @Test
    void aBlobWhoseContentDoesNotMatchItsDigestIsRefusedAndNothingIsStored() throws Exception {
        Path layout = TestImages.ociLayout(base.resolve("tampered"), "1", TestImages.config(List.of("/bin/sh"), null, List.of()),
                List.of(TestImages.layer(List.of(TestImages.Entry.file("etc/secret", "original\n")))));
        registry.push(layout, "1", "lab/tampered", "1", false);
        RegistryClient client = new RegistryClient(ImageReference.parse(ref("lab/tampered:1")), RegistryAuth.find(registry.host, auth),
                registry.caDir);
        String layer = JSON.readTree(client.manifest("1").bytes()).path("layers").get(0).path("digest").asText();
        String hex = layer.substring("sha256:".length());
        Path data = registry.storage.resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x55; // one byte changed behind the registry's back
        Files.write(data, bytes);
        PodException refused = assertThrows(PodException.class, () -> puller.pull(ref("lab/tampered:1"), auth, registry.caDir,
                ImportProgress.NONE));
        assertTrue(refused.getMessage().startsWith("blob " + layer + " from " + registry.host + " for lab/tampered does not match its digest"),
                refused.getMessage());
        assertEquals(List.of(), store.names());
    }

    /** The Bearer challenge: a token from the registry's token endpoint, fetched with the credentials, for this repository. */
    @Test
    void aRegistryWithTokenAuthIsPulledFromWithABearerToken() throws Exception {
        try (LocalRegistry tokens = LocalRegistry.start(base.resolve("token-registry"), true)) {
            Path layout = TestImages.ociLayout(base.resolve("token-image"), "1", TestImages.config(List.of("/bin/sh"), null, List.of()),
                    List.of(TestImages.layer(List.of(TestImages.Entry.file("etc/via", "token\n")))));
            tokens.push(layout, "1", "lab/app", "1", false);
            int before = tokens.tokensIssued();
            Path tokenAuth = tokens.authFile(LocalRegistry.USER, LocalRegistry.PASSWORD);
            StoredImage image = puller.pull(tokens.host + "/lab/app:1", tokenAuth, tokens.caDir, ImportProgress.NONE);
            assertEquals("token\n", Files.readString(image.rootfs().resolve("etc/via")));
            assertEquals(before + 1, tokens.tokensIssued(), "one token for the pull, reused for every request");
            Path wrong = tokens.authFile("intruder", "guess");
            PodException refused = assertThrows(PodException.class, () -> puller.pull(tokens.host + "/lab/app:1", wrong, tokens.caDir,
                    ImportProgress.NONE));
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
        puller.pull(ref("lab/busybox:1"), file, registry.caDir, ImportProgress.NONE);
        assertEquals(new Result(0, "Removed login credentials for " + registry.host + "\n", ""),
                login(new String[] {"logout", registry.host, "--authfile", file.toString()}, ""));
        assertEquals(Optional.empty(), RegistryAuth.find(registry.host, file));
        assertEquals(2, login(new String[] {"login", registry.host, "-u", "lab", "-p", "x"}, "").code(),
                "a password on the command line is refused");
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
