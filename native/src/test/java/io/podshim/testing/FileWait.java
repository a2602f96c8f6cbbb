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
        long deadline = System.nanoTime() + patience.toNanos();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            // A file renamed into place is a creation too, as Linux's WatchService reports IN_MOVED_TO.
            file.toAbsolutePath().getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            // Registered first, looked at second: a file made in between is seen by the look.
            while (!Files.exists(file)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("gave up after " + patience.toSeconds() + " s waiting for " + file);
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
