package io.podshim.runtime.image.registry;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pull as people watch it: on a terminal, one line per blob and a total, redrawn in place as the
 * bytes arrive (as podman and docker draw it); elsewhere (a pipe, a file, a log) plain lines, one
 * per blob once it is whole, with no carriage returns or escape codes.
 */
public final class ConsolePullProgress implements PullProgress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final Map<String, long[]> blobs = new LinkedHashMap<>(); // digest -> {received, size, done (1) or unpacked (2)}
    private String config;
    private int drawn;
    private long lastDraw;

    public ConsolePullProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Drawn in place if this process has a terminal, else plain lines. */
    public static ConsolePullProgress forConsole(PrintStream out) {
        return new ConsolePullProgress(out, System.console() != null);
    }

    @Override
    public synchronized void resolved(String name, String endpoint, String manifestDigest) {
        out.println("Pulling " + name + " from " + endpoint + " (manifest " + shortDigest(manifestDigest) + ")");
    }

    @Override
    public synchronized void blobs(List<Blob> list) {
        if (list.isEmpty()) {
            out.println("The store has this image already: nothing to fetch");
            return;
        }
        config = list.get(0).digest();
        list.forEach(b -> blobs.put(b.digest(), new long[] {0, b.size(), 0}));
        draw(true);
    }

    @Override
    public synchronized void received(String digest, long bytes) {
        long[] b = blobs.get(digest);
        if (b != null) {
            b[0] = bytes;
            draw(false);
        }
    }

    @Override
    public synchronized void done(String digest) {
        long[] b = blobs.get(digest);
        if (b == null) {
            return;
        }
        b[0] = Math.max(b[0], b[1]);
        b[2] = Math.max(b[2], 1);
        if (terminal) {
            draw(true);
        } else {
            out.println("Copied " + kind(digest) + " " + shortDigest(digest) + " (" + human(b[1]) + ")");
        }
    }

    @Override
    public synchronized void unpacked(String digest) {
        long[] b = blobs.get(digest);
        if (b == null) {
            return;
        }
        b[2] = 2;
        if (terminal) {
            draw(true);
        } else {
            out.println("Unpacked layer " + shortDigest(digest));
        }
    }

    @Override
    public synchronized void finished(String imageId) {
        out.flush();
    }

    private void draw(boolean now) {
        if (!terminal || blobs.isEmpty()) {
            return;
        }
        long t = System.nanoTime();
        if (!now && t - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = t;
        StringBuilder sb = new StringBuilder();
        if (drawn > 0) {
            sb.append("\u001b[").append(drawn).append('A'); // back to the first line drawn
        }
        long received = 0;
        long size = 0;
        for (Map.Entry<String, long[]> e : blobs.entrySet()) {
            long[] b = e.getValue();
            received += b[0];
            size += b[1];
            sb.append("\r\u001b[2K").append("Copying ").append(kind(e.getKey())).append(' ').append(shortDigest(e.getKey()))
                    .append(' ').append(b[2] == 2 ? "unpacked " + human(b[1]) : b[2] == 1 ? "done " + human(b[1])
                            : bar(b[0], b[1])).append('\n');
        }
        sb.append("\r\u001b[2K").append("Total ").append(bar(received, size)).append('\n');
        drawn = blobs.size() + 1;
        out.print(sb);
        out.flush();
    }

    private String kind(String digest) {
        return digest.equals(config) ? "config" : "blob";
    }

    static String bar(long received, long size) {
        int filled = size <= 0 ? BAR : (int) Math.min(BAR, received * BAR / size);
        return "[" + "=".repeat(filled) + (filled < BAR ? ">" + " ".repeat(BAR - filled - 1) : "") + "] " + human(received)
                + " / " + human(size);
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1fKiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1fMiB", bytes / (1024.0 * 1024));
    }

    private static String shortDigest(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
