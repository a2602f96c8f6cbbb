package io.podshim.runtime.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.podshim.linux.ChildProcess;
import io.podshim.linux.ExitStatus;
import io.podshim.linux.Pipe;
import io.podshim.linux.Spawn;
import io.podshim.linux.SpawnSpec;
import io.podshim.linux.Stdio;
import io.podshim.runtime.logs.CriLogFile.Stream;
import io.podshim.testing.HostSnapshot;
import io.podshim.testing.HostTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@HostTest
class LogPumpHostTest {
    private static final String RECORD = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z ";

    @TempDir
    Path dir;

    private static ChildProcess sh(String script, Pipe out, Pipe err) {
        return Spawn.start(SpawnSpec.of("/bin/sh", "-c", script).env(List.of("PATH=/usr/bin:/bin"))
                .stdin(Stdio.devNull()).stdout(Stdio.of(out.writeEnd())).stderr(Stdio.of(err.writeEnd())).build());
    }

    @Test
    void aProcessesStdoutAndStderrLandInItsLogInCriFormat() throws IOException {
        HostSnapshot before = HostSnapshot.take();
        Path file = dir.resolve("app/0.log");
        try (LogPump pump = new LogPump(); CriLogFile log = new CriLogFile(file)) {
            Pipe out = Pipe.open();
            Pipe err = Pipe.open();
            try (ChildProcess child = sh("echo one; echo two >&2; head -c 40000 /dev/zero | tr '\\0' x; echo; printf last", out, err)) {
                CompletableFuture<Void> outDone = pump.attach(out.readEnd(), log, Stream.STDOUT);
                CompletableFuture<Void> errDone = pump.attach(err.readEnd(), log, Stream.STDERR);
                out.writeEnd().close();
                err.writeEnd().close();
                assertEquals(ExitStatus.exited(0), child.waitFor());
                CompletableFuture.allOf(outDone, errDone).join();
            }
        }
        List<String> records = Files.readAllLines(file);
        List<String> stdout = records.stream().filter(r -> r.contains(" stdout ")).map(r -> r.replaceFirst(RECORD, "")).toList();
        assertEquals(List.of("stdout F one", "stdout P " + "x".repeat(16384), "stdout P " + "x".repeat(16384),
                "stdout F " + "x".repeat(40000 - 32768), "stdout F last"), stdout);
        assertTrue(records.stream().anyMatch(r -> r.matches(RECORD + "stderr F two")), records.toString());
        assertTrue(records.stream().allMatch(r -> r.matches(RECORD + "std(out|err) [PF] .*")));
        HostSnapshot.takeAndCompare(before);
    }

    @Test
    void fiftyStreamsShareOnePumpThread() {
        try (LogPump pump = new LogPump()) {
            List<CompletableFuture<Void>> ends = new ArrayList<>();
            List<CriLogFile> files = new ArrayList<>();
            List<Pipe> pipes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                CriLogFile log = new CriLogFile(dir.resolve(i + ".log"));
                Pipe pipe = Pipe.open();
                files.add(log);
                pipes.add(pipe);
                ends.add(pump.attach(pipe.readEnd(), log, Stream.STDOUT));
            }
            long pumps = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("log-pump")).count();
            assertEquals(1, pumps);
            for (int i = 0; i < pipes.size(); i++) {
                pipes.get(i).writeEnd().write(("line " + i + "\n").getBytes());
                pipes.get(i).writeEnd().close();
            }
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).join();
            files.forEach(CriLogFile::close);
            for (int i = 0; i < 50; i++) {
                assertTrue(readQuietly(dir.resolve(i + ".log")).endsWith(" stdout F line " + i + "\n"));
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // without the fix the pump thread dies and this would hang, not fail
    void aLogThatCannotBeWrittenFailsItsOwnStreamAndThePumpGoesOn() {
        try (LogPump pump = new LogPump(); Pipe broken = Pipe.open(); Pipe fine = Pipe.open()) {
            CriLogFile unwritable = new CriLogFile(dir.resolve("broken.log"));
            unwritable.close(); // as if the disk had gone away
            CriLogFile log = new CriLogFile(dir.resolve("fine.log"));
            CompletableFuture<Void> brokenEnd = pump.attach(broken.readEnd().dupAtLeast(0), unwritable, Stream.STDOUT);
            CompletableFuture<Void> fineEnd = pump.attach(fine.readEnd().dupAtLeast(0), log, Stream.STDOUT);
            broken.writeEnd().write("lost\n".getBytes());
            assertTrue(brokenEnd.handle((ok, error) -> error != null).join(), "the broken log's stream fails");
            fine.writeEnd().write("kept\n".getBytes());
            fine.writeEnd().close();
            fineEnd.join();
            log.close();
            assertTrue(readQuietly(dir.resolve("fine.log")).endsWith(" stdout F kept\n"));
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
