package io.podshim.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.config.AtomicWriter.FileContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {
    @TempDir
    Path dir;

    private static FileContent text(String s, int mode) {
        return new FileContent(s.getBytes(StandardCharsets.UTF_8), mode);
    }

    private List<String> entries() throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void filesAreLinksThroughDataToOneTimestampedVersion() throws Exception {
        assertTrue(AtomicWriter.write(dir, Map.of("color", text("blue", 0644), "conf/app.ini", text("x=1", 0400)), null));
        assertEquals("blue", Files.readString(dir.resolve("color")));
        assertEquals("x=1", Files.readString(dir.resolve("conf/app.ini")));
        assertTrue(Files.isSymbolicLink(dir.resolve("color")));
        assertEquals(Path.of("..data/color"), Files.readSymbolicLink(dir.resolve("color")));
        String version = Files.readSymbolicLink(dir.resolve("..data")).toString();
        assertTrue(version.matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d+"), version);
        assertEquals(Stream.of("..data", version, "color", "conf").sorted().toList(), entries());
        assertEquals(0400, (Integer) Files.getAttribute(dir.resolve("conf/app.ini"), "unix:mode") & 0777);
    }

    @Test
    void anUpdateSwapsTheVersionRemovesTheOldOneAndTheKeysThatWent() throws Exception {
        AtomicWriter.write(dir, Map.of("color", text("blue", 0644), "size", text("L", 0644)), null);
        String first = Files.readSymbolicLink(dir.resolve("..data")).toString();
        assertTrue(AtomicWriter.write(dir, Map.of("color", text("red", 0644)), null));
        String second = Files.readSymbolicLink(dir.resolve("..data")).toString();
        assertFalse(first.equals(second));
        assertEquals("red", Files.readString(dir.resolve("color")));
        assertEquals(Stream.of("..data", second, "color").sorted().toList(), entries());
    }

    @Test
    void theSameFilesWriteNothing() throws Exception {
        AtomicWriter.write(dir, Map.of("color", text("blue", 0644)), null);
        String first = Files.readSymbolicLink(dir.resolve("..data")).toString();
        assertFalse(AtomicWriter.write(dir, Map.of("color", text("blue", 0644)), null));
        assertEquals(first, Files.readSymbolicLink(dir.resolve("..data")).toString());
        assertTrue(AtomicWriter.write(dir, Map.of("color", text("blue", 0600)), null), "a mode change is a change");
    }

    @Test
    void aGroupIsGivenToEveryFile() throws Exception {
        AtomicWriter.write(dir, Map.of("k", text("v", 0640)), 4242L);
        assertEquals(4242, Files.getAttribute(dir.resolve("..data/k"), "unix:gid"));
    }

    @Test
    void aPathOutOfTheVolumeIsRefused() {
        for (String bad : List.of("../x", "/etc/passwd", "a/../../b", "..data/x")) {
            assertThrows(IllegalArgumentException.class, () -> AtomicWriter.write(dir, Map.of(bad, text("v", 0644)), null), bad);
        }
    }

    @Test
    void aContentNeverShowsItsBytes() {
        assertEquals("FileContent[6 bytes, mode 600]", text("s3cr3t", 0600).toString());
    }
}
