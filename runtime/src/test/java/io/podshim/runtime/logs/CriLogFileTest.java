package io.podshim.runtime.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.runtime.logs.CriLogFile.Stream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriLogFileTest {
    private static final Instant T = Instant.parse("2026-11-21T01:02:03.120000000Z");

    @TempDir
    Path dir;

    private List<String> write(Object... streamThenText) throws IOException {
        Path file = dir.resolve("0.log");
        try (CriLogFile log = new CriLogFile(file)) {
            for (int i = 0; i < streamThenText.length; i += 2) {
                byte[] bytes = ((String) streamThenText[i + 1]).getBytes(StandardCharsets.UTF_8);
                log.write((Stream) streamThenText[i], bytes, bytes.length, T);
            }
        }
        return Files.readAllLines(file);
    }

    @Test
    void eachLineIsARecordWithTimeStreamAndTag() throws IOException {
        assertEquals(List.of("2026-11-21T01:02:03.12Z stdout F hello", "2026-11-21T01:02:03.12Z stderr F oops"),
                write(Stream.STDOUT, "hello\n", Stream.STDERR, "oops\n"));
    }

    @Test
    void timestampsAreRfc3339NanoAsGoPrintsThem() {
        assertEquals("2026-11-21T01:02:03Z", CriLogFile.timestamp(Instant.parse("2026-11-21T01:02:03Z")));
        assertEquals("2026-11-21T01:02:03.000000001Z", CriLogFile.timestamp(Instant.parse("2026-11-21T01:02:03.000000001Z")));
        assertEquals("2026-11-21T01:02:03.5Z", CriLogFile.timestamp(Instant.parse("2026-11-21T01:02:03.500Z")));
    }

    @Test
    void aLineOver16KibIsSplitIntoPartialRecordsEndingInAFullOne() throws IOException {
        String line = "a".repeat(40_000);
        List<String> records = write(Stream.STDOUT, line + "\n");
        assertEquals(3, records.size());
        assertEquals("2026-11-21T01:02:03.12Z stdout P " + "a".repeat(16_384), records.get(0));
        assertEquals("2026-11-21T01:02:03.12Z stdout P " + "a".repeat(16_384), records.get(1));
        assertEquals("2026-11-21T01:02:03.12Z stdout F " + "a".repeat(40_000 - 2 * 16_384), records.get(2));
    }

    @Test
    void writesSplitMidLineJoinAndEachStreamKeepsItsOwnUnfinishedLine() throws IOException {
        List<String> records = write(Stream.STDOUT, "hel", Stream.STDERR, "warn", Stream.STDOUT, "lo\nnext", Stream.STDERR, "ing\n");
        assertEquals(List.of("2026-11-21T01:02:03.12Z stdout F hello", "2026-11-21T01:02:03.12Z stderr F warning"),
                records.subList(0, 2));
        assertEquals(3, records.size());
        assertTrue(records.get(2).endsWith(" stdout F next"), "the unfinished last line is written when the log closes");
    }

    @Test
    void aTailIsTheLastCompleteLinesOfEvenALongLog() throws IOException {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            many.append("line ").append(i).append('\n');
        }
        Path file = dir.resolve("0.log");
        write(Stream.STDOUT, many.toString());
        // A long line being written: its first part is a P record, its end not there yet.
        Files.writeString(file, "2026-11-21T01:02:03.12Z stdout P the start of a long line\n", java.nio.file.StandardOpenOption.APPEND);
        assertTrue(Files.size(file) > 128 * 1024, "longer than the window the tail reads");
        assertEquals(List.of("line 4997", "line 4998", "line 4999"), CriLogReader.tail(file, 3).stream().map(CriLogReader.Line::text).toList(),
                "the last lines written whole; the unfinished one waits");
        assertEquals(List.of("line 4999"), CriLogReader.tail(file, 1).stream().map(CriLogReader.Line::text).toList());
        assertEquals(List.of(), CriLogReader.tail(dir.resolve("gone.log"), 3));
    }
}
