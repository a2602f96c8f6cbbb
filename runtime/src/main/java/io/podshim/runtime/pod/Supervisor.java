package io.podshim.runtime.pod;

import io.podshim.linux.Fd;
import io.podshim.linux.Pipe;
import io.podshim.linux.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one thread that supervises every pod: poll(2) over the pidfds of all running containers'
 * shims (readable when the shim exits, right after its container), the descriptors of the probes
 * and hooks under way (sockets, output pipes, pidfds of exec'd commands) and a wake-up pipe, plus a
 * timer queue for back-offs, grace periods, deadlines and probe periods. Pod state is touched only here, so it needs no locks, and a node with
 * hundreds of pods spends one thread on them. Work from other threads comes in through
 * {@link #call}.
 */
public final class Supervisor implements AutoCloseable, io.podshim.runtime.probe.Loop {
    private record Timer(long dueNanos, long order, Runnable action) {}

    private record Watch(short events, Runnable action) {}

    private final Pipe wakeUp = Pipe.open();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Map<Fd, Watch> watched = new LinkedHashMap<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
            ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.order, b.order));
    private final Thread thread;
    private long timerCount;
    private volatile boolean closed;

    Supervisor() {
        this("pod-supervisor");
    }

    /** A supervisor of its own, for another front door of the runtime core (the CRI's containers). */
    public Supervisor(String threadName) {
        thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code work} on the supervisor thread; the future carries its result or failure. */
    public <T> CompletableFuture<T> call(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        inbox.add(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        wakeUp.writeEnd().write(new byte[] {1});
        return result;
    }

    /**
     * Supervisor thread only: runs {@code onReadable} (there, once) when {@code fd} turns readable;
     * a pidfd does when its process exits.
     */
    public void watch(Fd fd, Runnable onReadable) {
        whenReadable(fd, onReadable);
    }

    @Override
    public void whenReadable(Fd fd, Runnable action) {
        watched.put(fd, new Watch(Poll.POLLIN, action));
    }

    /** Supervisor thread only: a probe's socket, connecting or sending. */
    @Override
    public void whenWritable(Fd fd, Runnable action) {
        watched.put(fd, new Watch(Poll.POLLOUT, action));
    }

    @Override
    public void forget(Fd fd) {
        watched.remove(fd);
    }

    /** Supervisor thread only: runs {@code action} there after {@code delay}. */
    @Override
    public void after(Duration delay, Runnable action) {
        timers.add(new Timer(System.nanoTime() + delay.toNanos(), timerCount++, action));
    }

    private void loop() {
        byte[] drain = new byte[256];
        while (!closed) {
            for (Runnable r; (r = inbox.poll()) != null; ) {
                safely(r);
            }
            List<Fd> fds = new ArrayList<>();
            fds.add(wakeUp.readEnd());
            fds.addAll(watched.keySet());
            List<Watch> polled = new ArrayList<>(watched.values());
            short[] events = new short[fds.size()];
            events[0] = Poll.POLLIN;
            for (int i = 1; i < fds.size(); i++) {
                events[i] = polled.get(i - 1).events();
            }
            short[] revents = Poll.await(fds, events, timeoutMillis());
            if (revents[0] != 0) {
                wakeUp.readEnd().read(drain);
            }
            for (int i = 1; i < fds.size(); i++) {
                // An earlier action may have dropped or replaced this watch (a probe that finished).
                Watch w = polled.get(i - 1);
                if (revents[i] != 0 && watched.get(fds.get(i)) == w) {
                    watched.remove(fds.get(i));
                    safely(w.action());
                }
            }
            long now = System.nanoTime();
            while (!timers.isEmpty() && timers.peek().dueNanos <= now) {
                safely(timers.poll().action);
            }
        }
    }

    /** A bug in one pod's handling must not stop the thread that supervises all of them. */
    private static void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            System.err.println("podshim: pod-supervisor: " + e);
            e.printStackTrace();
        }
    }

    private int timeoutMillis() {
        if (!inbox.isEmpty()) {
            return 0;
        }
        if (timers.isEmpty()) {
            return -1;
        }
        long nanos = timers.peek().dueNanos - System.nanoTime();
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000));
    }

    @Override
    public void close() {
        closed = true;
        wakeUp.writeEnd().write(new byte[] {1});
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wakeUp.close();
    }
}
