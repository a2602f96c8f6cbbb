package io.podshim.runtime.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.PodException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
    private static final String D = "sha256:abababababababababababababababababababababababababababababababab";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "nginx|docker.io/library/nginx:latest|registry-1.docker.io",
            "nginx:1.27|docker.io/library/nginx:1.27|registry-1.docker.io",
            "bitnami/redis:7|docker.io/bitnami/redis:7|registry-1.docker.io",
            "docker.io/library/busybox|docker.io/library/busybox:latest|registry-1.docker.io",
            "quay.io/prometheus/node-exporter:v1.8.2|quay.io/prometheus/node-exporter:v1.8.2|quay.io",
            "127.0.0.1:5000/lab/busybox:1|127.0.0.1:5000/lab/busybox:1|127.0.0.1:5000",
            "localhost/app|localhost/app:latest|localhost",
            "registry.local:5000/a/b/c|registry.local:5000/a/b/c:latest|registry.local:5000",
    })
    void referencesAreNormalisedAsDockerDoes(String text, String normalised, String apiHost) {
        ImageReference ref = ImageReference.parse(text);
        assertEquals(normalised, ref.toString());
        assertEquals(apiHost, ref.apiHost());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "lab/app@" + D + "|null",
            "lab/app:1@" + D + "|1",
    })
    void aDigestIsWhatIsAskedForAndATagIsKeptBesideIt(String text, String tag) {
        ImageReference ref = ImageReference.parse(text);
        assertEquals(D, ref.digest());
        assertEquals(D, ref.manifestReference());
        assertEquals("null".equals(tag) ? null : tag, ref.tag());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Nginx|\"Nginx\" is not a repository name",
            "nginx:|\"\" is not a tag",
            "nginx@sha256:12|\"sha256:12\" is not a sha256 digest",
            "lab//app|\"\" is not a repository name",
    })
    void aBadReferenceSaysWhichPartIsWrong(String text, String problem) {
        PodException e = assertThrows(PodException.class, () -> ImageReference.parse(text));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals(PodException.Kind.INVALID, e.kind());
    }
}
