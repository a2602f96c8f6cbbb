package io.podshim.runtime.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** registries.conf as containers-registries.conf(5) reads it, and NO_PROXY as curl and Go read it. */
class RegistriesConfTest {
    @TempDir
    Path dir;

    private RegistriesConf conf(String toml) throws IOException {
        return RegistriesConf.load(Files.writeString(dir.resolve("registries.conf"), toml));
    }

    private static List<String> where(RegistriesConf conf, String image) {
        return conf.endpoints(ImageReference.parse(image)).stream()
                .map(e -> e.ref() + (e.insecure() ? " insecure" : "") + (e.mirror() ? " mirror" : "")).toList();
    }

    @Test
    void theLongestPrefixWinsAndALocationRemapsTheRestOfTheName() throws IOException {
        RegistriesConf c = conf("""
                [[registry]]
                prefix = "example.com"
                location = "internal:5000"
                [[registry]]
                prefix = "example.com/team"
                location = "team-registry:5000/mirror"
                insecure = true
                """);
        assertEquals(List.of("internal:5000/app:1"), where(c, "example.com/app:1"));
        assertEquals(List.of("team-registry:5000/mirror/web:2 insecure"), where(c, "example.com/team/web:2"));
        assertEquals(List.of("internal:5000/teamwork:1"), where(c, "example.com/teamwork:1"), "a prefix ends at a separator");
        assertEquals(List.of("docker.io/library/busybox:1"), where(c, "busybox:1"), "no table: the name itself");
        assertTrue(c.insecure(ImageReference.parse("example.com/team/web:2")));
        assertFalse(c.insecure(ImageReference.parse("example.com/app:1")));
    }

    @Test
    void mirrorsComeFirstInOrderAsTheirPullFromMirrorAllows() throws IOException {
        RegistriesConf c = conf("""
                [[registry]]
                location = "docker.io"
                [[registry.mirror]]
                location = "mirror-a:5000"
                [[registry.mirror]]
                location = "mirror-b:5000/hub"
                insecure = true
                pull-from-mirror = "digest-only"
                """);
        assertEquals(List.of("mirror-a:5000/library/busybox:1 mirror", "docker.io/library/busybox:1"), where(c, "busybox:1"));
        String digest = "@sha256:" + "a".repeat(64);
        assertEquals(List.of("mirror-a:5000/library/busybox" + digest + " mirror", "mirror-b:5000/hub/library/busybox" + digest
                + " insecure mirror", "docker.io/library/busybox" + digest), where(c, "busybox" + digest));
    }

    @Test
    void mirrorByDigestOnlyKeepsTagPullsOnThePrimary() throws IOException {
        RegistriesConf c = conf("""
                [[registry]]
                prefix = "quay.io"
                location = "quay.io"
                mirror-by-digest-only = true
                [[registry.mirror]]
                location = "cache:5000"
                """);
        assertEquals(List.of("quay.io/app/x:1"), where(c, "quay.io/app/x:1"));
    }

    @Test
    void aWildcardPrefixAppliesItsSettingsWithoutRewriting() throws IOException {
        RegistriesConf c = conf("""
                [[registry]]
                prefix = "*.lab.internal"
                insecure = true
                """);
        assertEquals(List.of("reg.lab.internal:5000/app:1 insecure"), where(c, "reg.lab.internal:5000/app:1"));
        assertEquals(List.of("lab.internal.example.com/app:1"), where(c, "lab.internal.example.com/app:1"));
    }

    @Test
    void dropInsComeAfterTheFileAndReplaceItsTablesForTheSamePrefix() throws IOException {
        Files.createDirectories(dir.resolve("registries.conf.d"));
        Files.writeString(dir.resolve("registries.conf.d/50-lab.conf"), """
                [[registry]]
                prefix = "example.com"
                location = "from-drop-in:5000"
                """);
        RegistriesConf c = conf("""
                [[registry]]
                prefix = "example.com"
                location = "from-file:5000"
                """);
        assertEquals(List.of("from-drop-in:5000/app:1"), where(c, "example.com/app:1"));
    }

    @Test
    void badFilesAreNamedWithWhatToDo() throws IOException {
        PodException notToml = assertThrows(PodException.class, () -> conf("[[registry]\nlocation = "));
        assertTrue(notToml.getMessage().startsWith(dir.resolve("registries.conf") + " is not TOML: "), notToml.getMessage());
        PodException v1 = assertThrows(PodException.class, () -> conf("[registries.insecure]\nregistries = [\"x:5000\"]\n"));
        assertTrue(v1.getMessage().contains("v1 format, which podshim does not read"), v1.getMessage());
        PodException empty = assertThrows(PodException.class, () -> conf("[[registry]]\ninsecure = true\n"));
        assertTrue(empty.getMessage().endsWith("[[registry]] #1 has neither prefix nor location: give at least one"), empty.getMessage());
        assertEquals(List.of("docker.io/library/busybox:1"), where(RegistriesConf.load(dir.resolve("absent.conf")), "busybox:1"),
                "no file, no settings");
    }

    @Test
    void noProxyCoversHostsDomainsPortsAndBlocksAndLoopbackIsNeverProxied() {
        RegistryProxy proxy = new RegistryProxy(Map.of("HTTPS_PROXY", "http://proxy:3128",
                "no_proxy", "internal.example, .corp, registry:5000, 10.0.0.0/8"));
        assertFalse(proxy.bypassed("registry-1.docker.io", 443));
        assertTrue(proxy.bypassed("internal.example", 443));
        assertTrue(proxy.bypassed("a.internal.example", 443), "a domain covers its subdomains");
        assertTrue(proxy.bypassed("git.corp", 443));
        assertTrue(proxy.bypassed("registry", 5000));
        assertFalse(proxy.bypassed("registry", 443), "host:port matches that port only");
        assertTrue(proxy.bypassed("10.1.2.3", 443));
        assertFalse(proxy.bypassed("11.1.2.3", 443));
        assertTrue(proxy.bypassed("127.0.0.1", 5000));
        assertTrue(proxy.bypassed("localhost", 5000));
        assertTrue(new RegistryProxy(Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "*")).bypassed("anything", 443));
        List<String> set = new java.util.ArrayList<>();
        proxy.forEachProxy((scheme, address) -> set.add(scheme + " " + address.getHostString() + ":" + address.getPort()));
        assertEquals(List.of("https proxy:3128"), set);
        assertThrows(PodException.class, () -> new RegistryProxy(Map.of("HTTP_PROXY", "http://")));
    }
}
