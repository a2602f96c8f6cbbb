package io.podshim.runtime.daemon;

import io.podshim.runtime.PodException;
import io.podshim.runtime.pod.ManifestReader;
import io.podshim.runtime.pod.PodEngine;
import io.podshim.runtime.pod.PodManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Static pods, as kubelet's {@code --pod-manifest-path}: every manifest in a directory runs as a pod.
 * A file added starts its pod, a changed file replaces it (the old pod is deleted first), a removed
 * file stops it. Dotfiles (editors' swap files) and files that are not .yaml, .yml or .json are
 * ignored; a bad manifest is reported and leaves the other pods alone.
 */
final class StaticPods implements AutoCloseable {
    private record Running(String pod, String content) {}

    private final Path dir;
    private final PodEngine engine;
    private final PrintStream log;
    private final Map<Path, Running> running = new HashMap<>();
    private final WatchService watcher;
    private final Thread thread;

    StaticPods(Path dir, PodEngine engine, PrintStream log) throws IOException {
        this.dir = dir.toAbsolutePath();
        this.engine = engine;
        this.log = log;
        Files.createDirectories(this.dir);
        watcher = this.dir.getFileSystem().newWatchService();
        this.dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(this.dir)) {
            for (Path file : files) {
                sync(file);
            }
        }
        thread = new Thread(this::watch, "static-pods");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        while (true) {
            WatchKey key;
            try {
                key = watcher.take();
            } catch (InterruptedException | ClosedWatchServiceException stopped) {
                return;
            }
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.context() instanceof Path name) {
                    sync(dir.resolve(name));
                }
            }
            key.reset();
        }
    }

    /** Brings the pod of {@code file} in line with what the file says now. */
    private synchronized void sync(Path file) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") || !(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))) {
            return;
        }
        Running before = running.get(file);
        String content = null;
        try {
            content = Files.isRegularFile(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            log.println("podshim daemon: static pod " + file + ": " + e.getMessage());
        }
        if (before != null && before.content().equals(content)) {
            return;
        }
        if (before != null) {
            running.remove(file);
            try {
                engine.delete(before.pod(), null).join();
                log.println("podshim daemon: static pod " + before.pod() + " stopped (" + file.getFileName()
                        + (content == null ? " removed)" : " changed)"));
            } catch (RuntimeException e) {
                log.println("podshim daemon: static pod " + before.pod() + ": stop: " + e.getMessage());
            }
        }
        if (content == null || content.isBlank()) {
            return; // removed, or written in two steps: the next event brings the content
        }
        try {
            PodManifest manifest = ManifestReader.read(content);
            Optional<PodManifest> taken = before == null ? engine.manifest(manifest.name()) : Optional.empty();
            if (taken.isPresent() && sameSpec(taken.get(), manifest)) {
                // The file's pod, taken over from an earlier daemon: it runs already.
                running.put(file, new Running(manifest.name(), content));
                log.println("podshim daemon: static pod " + manifest.name() + " (" + file.getFileName() + ") runs already");
                return;
            }
            if (taken.isPresent()) {
                engine.delete(manifest.name(), null).join();
                log.println("podshim daemon: static pod " + manifest.name() + " stopped (" + file.getFileName() + " changed)");
            }
            engine.run(manifest);
            running.put(file, new Running(manifest.name(), content));
            log.println("podshim daemon: static pod " + manifest.name() + " started from " + file.getFileName());
        } catch (PodException e) {
            log.println("podshim daemon: static pod " + file.getFileName() + ": " + e.getMessage());
        }
    }

    /** The same pod, but for the uid a manifest without one gets anew at every read. */
    private static boolean sameSpec(PodManifest a, PodManifest b) {
        return a.namespace().equals(b.namespace()) && a.labels().equals(b.labels()) && a.spec().equals(b.spec());
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
