package io.podshim.runtime.cri;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.PodException;
import io.podshim.runtime.container.ContainerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What the CRI keeps of its sandboxes and containers on disk, so that a daemon started again (after
 * a crash, an upgrade) finds every one as kubelet left it: each config as kubelet sent it (its
 * protobuf bytes), the cgroup, and for a container its state, how it ended and where its shim and
 * process are. One JSON file each under {@code <state>/records}, replaced whole (written aside,
 * then renamed), so a crash mid-write leaves the old record, not half of a new one.
 */
final class CriRecords {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    record Sandbox(String id, long createdAt, String cgroup, String ip, boolean stopped, byte[] config) {}

    record Container(String id, String sandbox, long createdAt, String cgroup, String logPath, String image, byte[] config,
                     String state, long startedAt, long finishedAt, int exitCode, String reason, String message, long oomKillsBefore,
                     ContainerProcess.Saved process) {}

    private final Path dir;

    CriRecords(Path dir) {
        this.dir = dir;
    }

    void save(CriSandbox s) {
        write("sandbox-" + s.id, new Sandbox(s.id, s.createdAtNanos, s.cgroup.toString(), s.ip, !s.ready(), s.config.toByteArray()));
    }

    /** Under {@code c}'s lock. */
    void save(CriContainer c) {
        write("container-" + c.id, new Container(c.id, c.sandbox.id, c.createdAtNanos, c.cgroup.toString(), c.logPath.toString(),
                c.image.name(), c.config.toByteArray(), c.state.name(), c.startedAtNanos, c.finishedAtNanos, c.exitCode, c.reason,
                c.message, c.oomKillsBefore, c.process == null ? null : c.process.saved()));
    }

    void forgetSandbox(String id) {
        delete("sandbox-" + id);
    }

    void forgetContainer(String id) {
        delete("container-" + id);
    }

    List<Sandbox> sandboxes() {
        return read("sandbox-", Sandbox.class);
    }

    List<Container> containers() {
        return read("container-", Container.class);
    }

    private void write(String name, Object record) {
        Path target = dir.resolve(name + ".json");
        Path aside = dir.resolve(name + ".json.new");
        try {
            Files.createDirectories(dir);
            JSON.writeValue(aside.toFile(), record);
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PodException("save " + target + ": " + e, e);
        }
    }

    private void delete(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name + ".json"));
        } catch (IOException e) {
            System.err.println("podshim: CRI: remove " + dir.resolve(name + ".json") + ": " + e);
        }
    }

    private <T> List<T> read(String prefix, Class<T> type) {
        List<T> records = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return records;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".json")) {
                    try {
                        records.add(JSON.readValue(file.toFile(), type));
                    } catch (IOException e) {
                        System.err.println("podshim: CRI: " + file + " cannot be read, and what it kept is lost: " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new PodException("read " + dir + ": " + e, e);
        }
        return records;
    }
}
