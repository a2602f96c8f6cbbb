package io.podshim.runtime.image;

import java.io.PrintStream;

/**
 * Import progress for people: one line rewritten in place on a terminal; nothing when the output
 * is a pipe or a file, where a stream of carriage returns would only be noise.
 */
public final class TerminalProgress implements ImportProgress {
    private final PrintStream out;
    private final String name;

    TerminalProgress(PrintStream out, String name) {
        this.out = out;
        this.name = name;
    }

    /** Progress on {@code out} if this process has a terminal, else none. */
    public static ImportProgress forConsole(PrintStream out, String name) {
        return System.console() != null ? new TerminalProgress(out, name) : ImportProgress.NONE;
    }

    @Override
    public void layer(int index, int count, String digest) {
        String shortDigest = digest.length() > 19 ? digest.substring(0, 19) : digest;
        out.printf("\rimporting %s: layer %d/%d %s%s", name, index, count, shortDigest, index == count ? "\n" : "");
        out.flush();
    }
}
