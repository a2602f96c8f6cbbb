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
 *
 * <p>What a pipe holds is copied with tee(2), written to the log, and only then taken out of the
 * pipe: a daemon killed in between leaves it in the pipe (which the container's shim keeps open)
 * for the next daemon, instead of losing it (KERNEL-NOTES #29). At worst a record is written twice.
 *
 * <p>A terminal's master (a container with {@code tty: true}) cannot be teed: it is read, and what a
 * killed daemon had read and not yet written is lost. It ends with EIO once the container and its
 * children have let go of the terminal. What is read is also handed to the run's {@link Taps}.
 */
public final class LogPump implements AutoCloseable {
    private record Source(Fd fd, CriLogFile file, CriLogFile.Stream stream, CompletableFuture<Void> ended, Taps taps,
                          boolean terminal) {}

    private final Pipe wakeUp = Pipe.open();
    /** Where tee(2) puts a copy of what a source holds; emptied at once, on the pump's thread. */
    private final Pipe copies = Pipe.open();
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
        return attach(readEnd, file, stream, new Taps(), false);
    }

    /** As {@link #attach(Fd, CriLogFile, CriLogFile.Stream)}, handing what is logged to {@code taps} too; {@code terminal}: a pty master. */
    public CompletableFuture<Void> attach(Fd readEnd, CriLogFile file, CriLogFile.Stream stream, Taps taps, boolean terminal) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        added.add(new Source(readEnd, file, stream, ended, taps, terminal));
        wakeUp.writeEnd().write(new byte[] {1});
        return ended;
    }

    private void loop() {
        List<Source> sources = new ArrayList<>();
        List<Source> failed = new ArrayList<>();
        // At most what the copies pipe holds by default, so a tee never waits on it.
        byte[] buffer = new byte[64 * 1024];
        byte[] spare = new byte[64 * 1024];
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
                    if (s.terminal()) {
                        int n = readTerminal(s.fd(), buffer);
                        if (n > 0) {
                            s.file().write(s.stream(), buffer, n, Instant.now());
                            s.taps().deliver(s.stream(), buffer, n);
                        } else {
                            ended.add(s);
                        }
                        continue;
                    }
                    long n = s.fd().teeTo(copies.writeEnd(), buffer.length);
                    if (n > 0) {
                        int copied = readExactly(copies.readEnd(), buffer, (int) n, spare);
                        s.file().write(s.stream(), buffer, copied, Instant.now());
                        s.taps().deliver(s.stream(), buffer, copied);
                        s.fd().discard(n, spare);
                    } else if (n == 0) {
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

    /** A read of a terminal's master: 0 once nobody holds its other end any more (EIO). */
    private static int readTerminal(Fd master, byte[] buffer) {
        try {
            return master.read(buffer);
        } catch (io.podshim.linux.SyscallException e) {
            if (e.errno() == jnr.constants.platform.Errno.EIO) {
                return 0;
            }
            throw e;
        }
    }

    /** Reads the {@code count} bytes a tee just put in {@code from} into the start of {@code into}. */
    private static int readExactly(Fd from, byte[] into, int count, byte[] spare) {
        int got = 0;
        while (got < count) {
            int n = from.read(spare);
            System.arraycopy(spare, 0, into, got, n);
            got += n;
        }
        return got;
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
        copies.close();
    }
}
