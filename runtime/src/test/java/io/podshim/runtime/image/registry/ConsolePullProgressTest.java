package io.podshim.runtime.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a pull is drawn: in place on a terminal, per blob and in total; plain lines elsewhere. */
class ConsolePullProgressTest {
    private static final String CONFIG = "sha256:" + "c".repeat(64);
    private static final String LAYER = "sha256:" + "1".repeat(64);

    @Test
    void onATerminalEachBlobAndTheTotalAreRedrawnInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsolePullProgress p = new ConsolePullProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.blobs(List.of(new PullProgress.Blob(CONFIG, 1000), new PullProgress.Blob(LAYER, 4 << 20)));
        p.done(CONFIG);
        p.received(LAYER, 2 << 20);
        p.done(LAYER);
        String out = bytes.toString(StandardCharsets.UTF_8);
        String last = out.substring(out.lastIndexOf("\u001b[3A") + 4);
        assertEquals(List.of("Copying config cccccccccccc done 1000B", "Copying blob 111111111111 done 4.0MiB",
                "Total [========================] 4.0MiB / 4.0MiB"), last.replace("\r\u001b[2K", "").lines().toList());
        assertTrue(out.contains("Copying blob 111111111111 [>"), "the layer is drawn with a bar before it is done: " + out);
    }

    @Test
    void elsewhereTheBarsAreLeftOutAndEachBlobIsOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsolePullProgress p = new ConsolePullProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.blobs(List.of(new PullProgress.Blob(CONFIG, 1000), new PullProgress.Blob(LAYER, 3 << 20)));
        p.received(LAYER, 1 << 20);
        p.done(LAYER);
        p.done(CONFIG);
        assertEquals("Copied blob 111111111111 (3.0MiB)\nCopied config cccccccccccc (1000B)\n", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBarIsFilledInProportion() {
        assertEquals("[============>           ] 50B / 100B", ConsolePullProgress.bar(50, 100));
        assertEquals("[>                       ] 0B / 100B", ConsolePullProgress.bar(0, 100));
    }
}
