package io.podshim.runtime.logs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a CRI log file as lines of text, joining partial records, from where it stopped last time:
 * for {@code podshim logs -f} and {@code podshim run}. A line still being written is left for later.
 */
public final class CriLogReader {
    private final Path file;
    private long offset;
    private final StringBuilder partial = new StringBuilder();
    private String partialTime = "";

    public CriLogReader(Path file) {
        this.file = file;
    }

    /** A line and when it was written (its first record's time, as the runtime stamped it: RFC 3339 with nanoseconds). */
    public record Line(String time, String text) {
        public java.time.Instant instant() {
            try {
                return java.time.Instant.parse(time);
            } catch (java.time.format.DateTimeParseException e) {
                return java.time.Instant.EPOCH;
            }
        }
    }

    /**
     * The last {@code count} complete lines of {@code file}, read from its last 64 KiB at most (a
     * preview of a log that may have grown for days); none if the file is gone.
     */
    public static List<Line> tail(Path file, int count) {
        CriLogReader reader = new CriLogReader(file);
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long from = in.length() - TAIL_WINDOW;
            if (from > 0) {
                in.seek(from);
                while (in.read() != '\n' && in.getFilePointer() < in.length()) {
                    // to the start of the next record
                }
                reader.offset = in.getFilePointer();
            }
        } catch (IOException e) {
            return List.of();
        }
        List<Line> lines = reader.readNewLines();
        return lines.subList(Math.max(0, lines.size() - count), lines.size());
    }

    private static final long TAIL_WINDOW = 64 * 1024;

    /** The complete lines written since the last call; none if the file is gone. */
    public List<String> readNew() {
        return readNewLines().stream().map(Line::text).toList();
    }

    /** {@link #readNew}, each line with its time. */
    public List<Line> readNewLines() {
        List<Line> lines = new ArrayList<>();
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            if (in.length() <= offset) {
                return lines;
            }
            in.seek(offset);
            byte[] bytes = new byte[(int) (in.length() - offset)];
            in.readFully(bytes);
            int end = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    end = i + 1;
                }
            }
            offset += end;
            for (String record : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                String[] fields = record.split(" ", 4);
                if (fields.length < 4) {
                    continue;
                }
                if (partial.length() == 0) {
                    partialTime = fields[0];
                }
                partial.append(fields[3]);
                if (fields[2].equals("F")) {
                    lines.add(new Line(partialTime, partial.toString()));
                    partial.setLength(0);
                }
            }
        } catch (IOException e) {
            // gone with its pod: nothing more to read
        }
        return lines;
    }
}
