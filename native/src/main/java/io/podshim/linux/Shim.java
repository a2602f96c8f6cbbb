package io.podshim.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The shim (src/main/c/shim.c): the parent of one container process, so that the container, its
 * exit status and its log pipes outlive a daemon that is killed. {@link #spec} wraps the exec
 * stage's spawn in it; {@link #awaitReport} reads the container's pid; {@link #record} reads how
 * the container ended, written by the shim before it exits.
 */
public final class Shim {
    static final String RESOURCE = "podshim-shim";
    /** The file in the exit directory that holds "<wait status> <epoch millis>". */
    public static final String EXIT_FILE = "exit";

    private Shim() {}

    /** Installs the shipped shim with the checks of {@link StaticHelper}. */
    public static Path install(Path dir) {
        return StaticHelper.install(Shim.class, RESOURCE, dir);
    }

    /** How the shim's child should enter a pid namespace. */
    public sealed interface PidNamespace {
        /** Join the pid namespace of the process behind this pidfd (the pod's pause). */
        record Join(PidFd target) implements PidNamespace {}

        /** Create one: the container is its PID 1. */
        record Create() implements PidNamespace {}

        /** Stay in the daemon's (a hostPID pod). */
        record Host() implements PidNamespace {}
    }

    /**
     * A shim's spawn, and the numbers the kept descriptors get in the shim (for a later
     * {@link PidFd#takeFd}), in the order they were given.
     */
    public record Launch(SpawnSpec spec, List<Integer> keptNumbers) {}

    /**
     * The spawn of {@code shim} around {@code stage}. The stage's descriptors keep their numbers
     * (3, 4, … in order); the shim's own follow: {@code report} (the write end of a pipe for the
     * container's pid), the pid namespace, then {@code keep} in order.
     *
     * @param stageStatus the status descriptor among the stage's, or null
     */
    public static Launch spec(Path shim, SpawnSpec stage, Fd stageStatus, Path exitDir, PidNamespace pidNamespace,
                                 Fd report, List<Fd> keep) {
        List<String> args = new ArrayList<>(List.of("--exit-dir", exitDir.toString()));
        List<Fd> inherited = new ArrayList<>(stage.inheritedFds());
        if (stageStatus != null) {
            int index = inherited.indexOf(stageStatus);
            if (index < 0) {
                throw new IllegalArgumentException("the status descriptor is not among the exec stage's");
            }
            args.add("--status");
            args.add(Integer.toString(3 + index));
        }
        args.add("--report");
        args.add(Integer.toString(3 + inherited.size()));
        inherited.add(report);
        if (pidNamespace instanceof PidNamespace.Join join) {
            args.add("--pid-ns");
            args.add(Integer.toString(3 + inherited.size()));
            inherited.add(join.target().fd());
        } else if (pidNamespace instanceof PidNamespace.Create) {
            args.add("--new-pid-ns");
        }
        List<Integer> keptNumbers = new ArrayList<>();
        for (Fd fd : keep) {
            keptNumbers.add(3 + inherited.size());
            args.add("--keep");
            args.add(Integer.toString(3 + inherited.size()));
            inherited.add(fd);
        }
        args.add("--");
        args.add(stage.path());
        args.addAll(stage.argv().subList(1, stage.argv().size()));
        SpawnSpec.Builder builder = SpawnSpec.of(shim.toString(), args.toArray(String[]::new)).env(stage.env())
                .stdin(stage.stdin()).stdout(stage.stdout()).stderr(stage.stderr()).newSession();
        inherited.forEach(builder::inherit);
        return new Launch(builder.build(), List.copyOf(keptNumbers));
    }

    /**
     * The container's pid (host numbering) from the report pipe; the caller has closed its own copy
     * of the write end. Empty if the shim ended before it could fork (it says why on its stderr).
     */
    public static Optional<Integer> awaitReport(Fd reportRead) {
        String text = new String(reportRead.readAllBytes(), StandardCharsets.US_ASCII).trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(text));
    }

    /** How a container ended, as its shim recorded it. */
    public record ExitRecord(ExitStatus status, Instant finishedAt) {}

    /** The record the shim wrote in {@code exitDir}, or empty if there is none (the shim was killed, or it still runs). */
    public static Optional<ExitRecord> record(Path exitDir) {
        String text;
        try {
            text = Files.readString(exitDir.resolve(EXIT_FILE), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + exitDir.resolve(EXIT_FILE) + ": " + e, e);
        }
        String[] parts = text.split(" ");
        if (parts.length != 2) {
            throw new IllegalStateException(exitDir.resolve(EXIT_FILE) + ": not \"<wait status> <millis>\": " + text);
        }
        return Optional.of(new ExitRecord(decode(Integer.parseInt(parts[0])), Instant.ofEpochMilli(Long.parseLong(parts[1]))));
    }

    /** A wait(2) status word: low 7 bits the signal (0: exited), bit 7 the core dump, bits 8–15 the exit code. */
    static ExitStatus decode(int wstatus) {
        int signal = wstatus & 0x7f;
        return signal == 0 ? ExitStatus.exited((wstatus >> 8) & 0xff) : ExitStatus.killed(signal, (wstatus & 0x80) != 0);
    }
}
