package io.podshim.runtime.image;

import static io.podshim.runtime.image.TestImages.Entry.dir;
import static io.podshim.runtime.image.TestImages.Entry.file;
import static io.podshim.runtime.image.TestImages.Entry.hardlink;
import static io.podshim.runtime.image.TestImages.Entry.symlink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.linux.StaticHelper;
import io.podshim.runtime.PodException;
import io.podshim.testing.HostTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imports set owners from the layers (chown), so they run as root. */
@HostTest
class ImageStoreHostTest {
    private static final byte[] CONFIG = TestImages.config(List.of("/bin/sh", "-c"), List.of("echo $GREETING"),
            List.of("PATH=/bin", "GREETING=from-image"));

    @TempDir
    Path dir;

    private static List<byte[]> twoLayers() throws IOException {
        return List.of(
                TestImages.layer(List.of(dir("etc"), file("etc/a", "a"), file("etc/b", "b"), dir("opt/x"),
                        file("opt/x/1", "1"), file("opt/x/2", "2"), symlink("etc/link", "/etc/b"))),
                TestImages.layer(List.of(file("etc/.wh.a", ""), file("opt/x/3", "3"), file("opt/x/.wh..wh..opq", ""),
                        hardlink("etc/b-again", "etc/b"))));
    }

    private static List<String> tree(Path rootfs) throws IOException {
        try (Stream<Path> walk = Files.walk(rootfs)) {
            return walk.filter(p -> !p.equals(rootfs)).map(p -> rootfs.relativize(p).toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void anOciLayoutIsImportedWithWhiteoutsOpaqueDirectoriesLinksAndItsConfig() throws IOException {
        ImageStore store = new ImageStore(dir.resolve("store"));
        List<String> progress = new ArrayList<>();
        StoredImage image = store.importImage(TestImages.ociLayout(dir.resolve("layout"), "1.0", CONFIG, twoLayers()),
                "demo:1.0", (i, n, digest) -> progress.add(i + "/" + n));
        assertEquals(List.of("etc", "etc/b", "etc/b-again", "etc/link", "opt", "opt/x", "opt/x/3"), tree(image.rootfs()));
        assertEquals("/etc/b", Files.readSymbolicLink(image.rootfs().resolve("etc/link")).toString());
        assertEquals(Files.getAttribute(image.rootfs().resolve("etc/b"), "unix:ino"),
                Files.getAttribute(image.rootfs().resolve("etc/b-again"), "unix:ino"), "a hard link, not a copy");
        assertEquals(List.of("1/2", "2/2"), progress);
        assertEquals("sha256:" + StaticHelper.sha256(CONFIG), image.id(), "content-addressed by its config");
        assertEquals(List.of("/bin/sh", "-c"), image.config().entrypoint());
        assertEquals(List.of("PATH=/bin", "GREETING=from-image"), image.config().env());
        assertEquals(image, store.find("demo:1.0").orElseThrow());
        assertEquals(List.of(), tree(dir.resolve("store/tmp")), "no staging left");
    }

    @Test
    void anOciArchiveAndADockerSaveArchiveGiveTheSameRootfs() throws IOException {
        ImageStore store = new ImageStore(dir.resolve("store"));
        Path ociTar = TestImages.tarOf(TestImages.ociLayout(dir.resolve("layout"), "1.0", CONFIG, twoLayers()), dir.resolve("oci.tar"));
        Path saveTar = TestImages.tarOf(TestImages.dockerSaveDir(dir.resolve("save"), "demo:2.0", CONFIG, twoLayers()),
                dir.resolve("save.tar"));
        StoredImage fromOci = store.importImage(ociTar, "oci-demo", ImportProgress.NONE);
        StoredImage fromDocker = store.importImage(saveTar, "demo:2.0", ImportProgress.NONE);
        assertEquals(tree(fromOci.rootfs()), tree(fromDocker.rootfs()));
        assertEquals("oci-demo:latest", fromOci.name());
        assertEquals(List.of("demo:2.0", "oci-demo:latest"), store.names());
    }

    @Test
    void withoutANameTheArchivesOwnNameIsUsedAndABareTagOrARootfsIsRefused() throws IOException {
        ImageStore store = new ImageStore(dir.resolve("store"));
        Path saveTar = TestImages.tarOf(TestImages.dockerSaveDir(dir.resolve("save"), "lab/demo:2.0", CONFIG, twoLayers()),
                dir.resolve("save.tar"));
        assertEquals("lab/demo:2.0", store.importImage(saveTar, null, ImportProgress.NONE).name(), "docker save's RepoTags");
        Path named = TestImages.ociLayout(dir.resolve("named"), "docker.io/library/demo:3", CONFIG, twoLayers());
        assertEquals("docker.io/library/demo:3", store.importImage(named, null, ImportProgress.NONE).name(), "the OCI ref.name");
        Path tagOnly = TestImages.ociLayout(dir.resolve("tag-only"), "1.0", CONFIG, twoLayers());
        PodException bare = assertThrows(PodException.class, () -> store.importImage(tagOnly, null, ImportProgress.NONE));
        assertTrue(bare.getMessage().contains("names its image only by the tag \"1.0\": give a name"), bare.getMessage());
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/bin")).getParent();
        PodException unnamed = assertThrows(PodException.class, () -> store.importImage(rootfs, null, ImportProgress.NONE));
        assertTrue(unnamed.getMessage().endsWith("carries no name: give one (podshim image import " + rootfs + " NAME)"),
                unnamed.getMessage());
        assertEquals(List.of("docker.io/library/demo:3", "lab/demo:2.0"), store.names());
    }

    @Test
    void aPlainRootfsDirectoryIsUsedInPlace() throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/bin"));
        StoredImage image = new ImageStore(dir.resolve("store")).importImage(rootfs.getParent(), "plain", ImportProgress.NONE);
        assertEquals(rootfs.getParent(), image.rootfs());
        assertTrue(image.id().startsWith("dir:"));
    }

    @Test
    void hostileLayersAreRefusedAndWriteNothingOutsideTheStore() throws IOException {
        Path sentinel = Files.createDirectories(dir.resolve("outside"));
        List<List<TestImages.Entry>> hostile = List.of(
                List.of(file("../../outside/escaped", "x")),
                List.of(file("/outside/absolute", "x")),
                List.of(symlink("way-out", sentinel.toString()), file("way-out/through-link", "x")),
                List.of(symlink("up", "../../../../..")),
                List.of(hardlink("stolen", "../../etc/passwd")),
                List.of(hardlink("stolen", "etc/nothing-here")));
        List<String> messages = new ArrayList<>();
        for (List<TestImages.Entry> layer : hostile) {
            ImageStore store = new ImageStore(dir.resolve("store"));
            Path layout = TestImages.ociLayout(dir.resolve("layout-" + messages.size()), "bad", CONFIG,
                    List.of(TestImages.layer(layer)));
            PodException e = assertThrows(PodException.class, () -> store.importImage(layout, "bad", ImportProgress.NONE));
            messages.add(e.getMessage());
            assertTrue(e.getMessage().contains("the image is refused"), e.getMessage());
        }
        assertTrue(messages.get(0).contains("holds ../../outside/escaped, which climbs out of the layer"), messages.get(0));
        assertTrue(messages.get(1).contains("holds the absolute path /outside/absolute"), messages.get(1));
        assertTrue(messages.get(2).contains("writes through the symbolic link way-out"), messages.get(2));
        assertTrue(messages.get(3).contains("links up to ../../../../.., which climbs out of the image"), messages.get(3));
        assertEquals(List.of(), tree(sentinel), "nothing written outside the store");
        assertEquals(List.of(), tree(dir.resolve("store/tmp")), "no staging left");
        assertFalse(Files.exists(dir.resolve("store/images")), "no image stored");
        assertFalse(Files.exists(dir.resolve("escaped")));
    }

    @Test
    void aLayerThatDoesNotMatchItsDigestIsRefused() throws IOException {
        Path layout = TestImages.ociLayout(dir.resolve("layout"), "1.0", CONFIG, twoLayers());
        try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path blob : (Iterable<Path>) blobs::iterator) {
                byte[] bytes = Files.readAllBytes(blob);
                if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
                    Files.write(blob, TestImages.gzip(TestImages.layer(List.of(file("etc/evil", "swapped")))));
                }
            }
        }
        PodException e = assertThrows(PodException.class,
                () -> new ImageStore(dir.resolve("store")).importImage(layout, "demo:1.0", ImportProgress.NONE));
        assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
    }

    @Test
    void aNameThatIsNotAReferenceIsRefused() {
        PodException e = assertThrows(PodException.class, () -> ImageStore.normalize("bad name"));
        assertEquals("image name \"bad name\" is not a reference: use NAME[:TAG], e.g. busybox:1.35", e.getMessage());
        assertEquals("registry:5000/team/app:latest", ImageStore.normalize("registry:5000/team/app"));
    }
}
