package io.podshim.runtime.logs;

import io.podshim.runtime.PodException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Map;

/**
 * One log file of one container run, in the CRI format kubelet reads:
 * {@code <RFC3339Nano> <stdout|stderr> <F|P> <text>}. A line longer than {@value #MAX_RECORD} bytes
 * is split into partial ({@code P}) records ending in a full ({@code F}) one, as containerd does.
 * stdout and stderr each keep their own unfinished line. Thread-safe.
 */
public final class CriLogFile implements AutoCloseable {
    public static final int MAX_RECORD = 16 * 1024;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The two streams, spelled as in the file. */
    public enum Stream { STDOUT, STDERR;
        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Path path;
    private OutputStream out;
    private final Map<Stream, ByteArrayOutputStream> pending = new EnumMap<>(Stream.class);

    public CriLogFile(Path path) {
        this.path = path;
        this.out = open(path);
        for (Stream s : Stream.values()) {
            pending.put(s, new ByteArrayOutputStream());
        }
    }

    public Path path() {
        return path;
    }

    private static OutputStream open(Path path) {
        try {
            Files.createDirectories(path.getParent());
            return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new PodException("open log " + path + ": " + e, e);
        }
    }

    /**
     * Closes the file and opens its path again, a new file if it was moved away: what kubelet's log
     * rotation asks (ReopenContainerLog) after it renamed the file. Lines under way go to the new one.
     */
    public synchronized void reopen() {
        OutputStream fresh = open(path);
        try {
            out.close();
        } catch (IOException e) {
            // the old file was being let go of: what it failed to take is lost either way
        }
        out = fresh;
    }

    /** Appends what {@code stream} wrote at {@code when}: complete lines become records at once. */
    public synchronized void write(Stream stream, byte[] data, int length, Instant when) {
        ByteArrayOutputStream line = pending.get(stream);
        for (int i = 0; i < length; i++) {
            if (data[i] == '\n') {
                record(stream, 'F', line, when);
            } else {
                line.write(data[i]);
                if (line.size() == MAX_RECORD) {
                    record(stream, 'P', line, when);
                }
            }
        }
        flush();
    }

    /** The stream ended: an unfinished last line is written as a full record. */
    public synchronized void end(Stream stream, Instant when) {
        if (pending.get(stream).size() > 0) {
            record(stream, 'F', pending.get(stream), when);
            flush();
        }
    }

    private void record(Stream stream, char tag, ByteArrayOutputStream line, Instant when) {
        try {
            out.write((timestamp(when) + " " + stream.tag() + " " + tag + " ").getBytes(StandardCharsets.US_ASCII));
            line.writeTo(out);
            out.write('\n');
        } catch (IOException e) {
            throw new PodException("write log " + path + ": " + e, e);
        }
        line.reset();
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new PodException("write log " + path + ": " + e, e);
        }
    }

    /** RFC 3339 with nanoseconds, trailing zeros dropped, in UTC: as Go's time.RFC3339Nano prints it. */
    static String timestamp(Instant when) {
        String nanos = String.format("%09d", when.getNano()).replaceFirst("0+$", "");
        return SECONDS.format(when) + (nanos.isEmpty() ? "" : "." + nanos) + "Z";
    }

    @Override
    public synchronized void close() {
        for (Stream s : Stream.values()) {
            end(s, Instant.now());
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new PodException("close log " + path + ": " + e, e);
        }
    }
}
