package io.podshim.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {

    @Test
    void oneLineIsRewrittenPerLayerAndEndedAfterTheLast() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImportProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "busybox:1.35");
        progress.layer(1, 2, "sha256:0123456789abcdef0123");
        progress.layer(2, 2, "sha256:fedcba9876543210fedc");
        assertEquals("\rimporting busybox:1.35: layer 1/2 sha256:0123456789ab"
                + "\rimporting busybox:1.35: layer 2/2 sha256:fedcba987654\n", bytes.toString(StandardCharsets.UTF_8));
    }
}
