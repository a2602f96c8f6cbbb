package io.podshim.pause;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What a later daemon needs to find a sandbox again, kept in {@code <sandbox dir>/sandbox.properties}
 * and replaced atomically. Written first as {@code creating} (so a crash half-way is recognised and
 * cleaned), then as {@code ready} with the pause's pid, start time and namespace ids.
 *
 * @param pausePid 0 while creating
 * @param pauseStartTime clock ticks since boot, from /proc/PID/stat; with the pid, names the pause for good
 * @param namespaces {@code net:[4026532181] ipc:[…]}, for people and for checks after a restart
 */
record SandboxState(String phase, String podName, String podUid, String hostname, boolean hostNetwork, boolean hostIPC,
                    boolean hostPID, long shmSizeBytes, long pausePid, long pauseStartTime, String namespaces) {
    static final String FILE = "sandbox.properties";
    static final String CREATING = "creating";
    static final String READY = "ready";

    static SandboxState creating(SandboxSpec spec) {
        return new SandboxState(CREATING, spec.podName(), spec.podUid(), spec.hostname(), spec.hostNetwork(), spec.hostIPC(),
                spec.hostPID(), spec.shmSizeBytes(), 0, 0, "");
    }

    SandboxState ready(long pid, long startTime, String namespaceIds) {
        return new SandboxState(READY, podName, podUid, hostname, hostNetwork, hostIPC, hostPID, shmSizeBytes, pid, startTime,
                namespaceIds);
    }

    SandboxSpec spec() {
        return new SandboxSpec(podName, podUid, hostname, hostNetwork, hostIPC, hostPID, shmSizeBytes);
    }

    void write(Path dir) {
        Properties p = new Properties();
        p.setProperty("phase", phase);
        p.setProperty("pod.name", podName);
        p.setProperty("pod.uid", podUid);
        p.setProperty("hostname", hostname);
        p.setProperty("host.network", Boolean.toString(hostNetwork));
        p.setProperty("host.ipc", Boolean.toString(hostIPC));
        p.setProperty("host.pid", Boolean.toString(hostPID));
        p.setProperty("shm.size", Long.toString(shmSizeBytes));
        p.setProperty("pause.pid", Long.toString(pausePid));
        p.setProperty("pause.start-time", Long.toString(pauseStartTime));
        p.setProperty("namespaces", namespaces);
        Path temporary = dir.resolve(FILE + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(temporary)) {
                p.store(out, "podshim pod sandbox");
            }
            Files.move(temporary, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The state in {@code dir}, or empty if there is none (a crash before it was first written). */
    static Optional<SandboxState> read(Path dir) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(FILE))) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
        try {
            // A sandbox of an earlier podshim has no hostname key: its pod name's, as then.
            return Optional.of(new SandboxState(p.getProperty("phase"), p.getProperty("pod.name"), p.getProperty("pod.uid"),
                    p.getProperty("hostname", SandboxSpec.hostnameOf(p.getProperty("pod.name"))),
                    Boolean.parseBoolean(p.getProperty("host.network")), Boolean.parseBoolean(p.getProperty("host.ipc")),
                    Boolean.parseBoolean(p.getProperty("host.pid")), Long.parseLong(p.getProperty("shm.size")),
                    Long.parseLong(p.getProperty("pause.pid")), Long.parseLong(p.getProperty("pause.start-time")),
                    p.getProperty("namespaces", "")));
        } catch (RuntimeException e) {
            throw new SandboxException(dir.resolve(FILE) + " is damaged (" + e + "); destroy the sandbox to clean it up", e);
        }
    }
}
