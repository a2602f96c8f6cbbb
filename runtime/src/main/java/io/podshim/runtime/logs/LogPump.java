package io.podshim.runtime.logs;

import io.podshim.linux.Fd;
import io.podshim.linux.Pipe;
import io.podshim.linux.Poll;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Copies every container's stdout and stderr into its CRI log file, all on one thread: poll(2)
 * over every pipe, so a node with hundreds of containers spends one thread on logs, not two per
 * container. A pipe is dropped when its writers have all closed it (the container ended).
 */
public final class LogPump implements AutoCloseable {
    private record Source(Fd fd, CriLogFile file, CriLogFile.Stream stream, CompletableFuture<Void> ended) {}

    private final Pipe wakeUp = Pipe.open();
    private final ConcurrentLinkedQueue<Source> added = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closing;

    public LogPump() {
        thread = new Thread(this::loop, "log-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Copies {@code readEnd} (the pump now owns it and closes it at end of file) into {@code file}
     * as {@code stream}. The future completes once the stream has ended and its last line is written,
     * or exceptionally if the log cannot be written.
     */
    public CompletableFuture<Void> attach(Fd readEnd, CriLogFile file, CriLogFile.Stream stream) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        added.add(new Source(readEnd, file, stream, ended));
        wakeUp.writeEnd().write(new byte[] {1});
        return ended;
    }

    private void loop() {
        List<Source> sources = new ArrayList<>();
        List<Source> failed = new ArrayList<>();
        byte[] buffer = new byte[64 * 1024];
        while (true) {
            for (Source s; (s = added.poll()) != null; ) {
                sources.add(s);
            }
            boolean last = closing;
            List<Fd> fds = new ArrayList<>();
            fds.add(wakeUp.readEnd());
            sources.forEach(s -> fds.add(s.fd()));
            short[] revents = Poll.readable(fds, last ? 0 : -1);
            if (revents[0] != 0) {
                wakeUp.readEnd().read(buffer);
            }
            List<Source> ended = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                Source s = sources.get(i);
                if (revents[i + 1] == 0) {
                    continue;
                }
                try {
                    int n = s.fd().read(buffer);
                    if (n > 0) {
                        s.file().write(s.stream(), buffer, n, Instant.now());
                    } else {
                        ended.add(s);
                    }
                } catch (RuntimeException e) {
                    // One log that cannot be written (disk full) must not stop the others' pump.
                    s.fd().close();
                    s.ended().completeExceptionally(e);
                    failed.add(s);
                }
            }
            sources.removeAll(failed);
            failed.clear();
            if (last) {
                ended = sources;
            }
            for (Source s : ended) {
                try {
                    s.file().end(s.stream(), Instant.now());
                    s.ended().complete(null);
                } catch (RuntimeException e) {
                    s.ended().completeExceptionally(e);
                } finally {
                    s.fd().close();
                }
            }
            if (last) {
                return;
            }
            sources.removeAll(ended);
        }
    }

    /** Stops after one last read of what is readable now; streams still open are ended there. */
    @Override
    public void close() {
        closing = true;
        wakeUp.writeEnd().write(new byte[] {1});
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wakeUp.close();
    }
}
