package io.podshim.testing;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waiting for a file that another process makes, on the kernel's word (inotify, through a
 * WatchService on its directory), not by asking again and again: a spinning test takes the CPU the
 * process it waits for needs, which in the emulated cgroup v2 VM is a whole virtual CPU.
 */
public final class FileWait {
    private FileWait() {}

    /** Returns once {@code file} exists; fails after {@code patience}. */
    public static void appears(Path file, Duration patience) throws IOException, InterruptedException {
        until(file, () -> Files.exists(file), "waiting for " + file, patience);
    }

    /** Returns once {@code file} (whose directory exists) holds {@code text}; fails after {@code patience}, showing what it held. */
    public static void contains(Path file, String text, Duration patience) throws IOException, InterruptedException {
        until(file, () -> read(file).contains(text), "waiting for \"" + text + "\" in " + file, patience,
                StandardWatchEventKinds.ENTRY_MODIFY);
        // ENTRY_MODIFY: each write to it; ENTRY_CREATE: made, or renamed into place
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void until(Path file, java.util.function.BooleanSupplier done, String what, Duration patience,
                              java.nio.file.WatchEvent.Kind<?>... more) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            java.util.List<java.nio.file.WatchEvent.Kind<?>> kinds = new java.util.ArrayList<>(java.util.List.of(more));
            // A file renamed into place is a creation too, as Linux's WatchService reports IN_MOVED_TO.
            kinds.add(StandardWatchEventKinds.ENTRY_CREATE);
            file.toAbsolutePath().getParent().register(watch, kinds.toArray(java.nio.file.WatchEvent.Kind[]::new));
            // Registered first, looked at second: a change made in between is seen by the look.
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("gave up after " + patience.toSeconds() + " s " + what
                            + (Files.exists(file) ? "; it holds: " + read(file) : ""));
                }
                var key = watch.poll(left, TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }
}
