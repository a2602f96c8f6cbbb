package io.podshim.runtime.image.registry;

import io.podshim.runtime.PodException;
import io.podshim.runtime.image.ImageStore;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pulls a daemon has under way, off the supervisor thread: whoever asks for an image being
 * pulled already waits for that same pull (two pods that need one image make one pull), and each
 * pull runs on a thread of its own so that one slow registry does not hold up another's images.
 */
public final class ImagePulls implements AutoCloseable {
    private final ImagePuller puller;
    private final Map<String, CompletableFuture<ImagePuller.Pulled>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong started = new AtomicLong();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "image-pull");
        t.setDaemon(true);
        return t;
    });

    public ImagePulls(ImagePuller puller) {
        this.puller = puller;
    }

    /** The pull of {@code name}: the one under way if there is one, else a new one. Completes on a pull thread. */
    public CompletableFuture<ImagePuller.Pulled> pull(String name) {
        return pull(name, null, "");
    }

    /**
     * The pull of {@code name} with {@code offered} credentials (a pod's imagePullSecrets), shared
     * only with pulls offered the same ones ({@code offeredBy} names them: never the secrets' values).
     */
    public CompletableFuture<ImagePuller.Pulled> pull(String name,
                                                      java.util.function.Function<String, java.util.Optional<RegistryAuth.Credentials>> offered,
                                                      String offeredBy) {
        String key = ImageStore.normalize(name) + (offeredBy.isEmpty() ? "" : " with " + offeredBy);
        CompletableFuture<ImagePuller.Pulled> mine = new CompletableFuture<>();
        CompletableFuture<ImagePuller.Pulled> current = inFlight.putIfAbsent(key, mine);
        if (current != null) {
            return current;
        }
        started.incrementAndGet();
        threads.execute(() -> {
            try {
                mine.complete(puller.pull(name, PullProgress.NONE, offered));
            } catch (PodException e) {
                mine.completeExceptionally(e);
            } catch (RuntimeException e) {
                mine.completeExceptionally(new PodException("pull " + name + ": " + e, e));
            } finally {
                inFlight.remove(key, mine);
            }
        });
        return mine;
    }

    /** How many pulls were started (shared ones counted once). */
    public long started() {
        return started.get();
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
