package io.podshim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's install step, staged under a directory of the test's own (DESTDIR) from the jar this
 * build made: a podshim command that runs from anywhere, its bash completion, and the daemon's
 * systemd unit pointing at it. Needs no Docker and no root.
 */
class InstallIT {
    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    private record Run(int code, String out) {}

    private static Run run(List<String> command, Path dir, String... env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running: " + command);
        return new Run(p.exitValue(), out);
    }

    @Test
    void theInstallStepPutsACommandACompletionAndAUnitInPlace(@TempDir Path stage) throws Exception {
        Run installed = run(List.of("./install.sh", "/usr/local"), CHECKOUT, "DESTDIR", stage.toString());
        assertEquals(0, installed.code(), installed.out());
        Path command = stage.resolve("usr/local/bin/podshim");
        assertTrue(Files.getPosixFilePermissions(command).contains(PosixFilePermission.OTHERS_EXECUTE), command.toString());
        assertTrue(Files.isRegularFile(stage.resolve("usr/local/lib/podshim/podshim.jar")));

        // The command finds its jar beside itself, from any directory, through a link too (as a PATH entry may be).
        Path link = Files.createSymbolicLink(stage.resolve("podshim-link"), command);
        Run version = run(List.of(link.toString(), "--version"), stage);
        assertEquals(0, version.code(), version.out());
        assertTrue(version.out().matches("podshim \\S+\n"), version.out());
        Run noDaemon = run(List.of(command.toString(), "get", "pods"), stage, "PODSHIM_SOCKET", stage.resolve("none.sock").toString());
        assertEquals(1, noDaemon.code(), noDaemon.out());
        assertTrue(noDaemon.out().startsWith("podshim: cannot reach the podshim daemon at " + stage.resolve("none.sock")), noDaemon.out());

        String completion = Files.readString(stage.resolve("usr/local/share/bash-completion/completions/podshim"));
        assertTrue(completion.contains("complete -F") && completion.contains("podshim"), "a bash completion for podshim");
        for (String subcommand : List.of("apply", "get", "logs", "delete", "describe", "exec", "version")) {
            assertTrue(completion.contains(subcommand), subcommand + " is completed");
        }
        // bash itself takes it: once sourced, podshim has a completion function.
        Run sourced = run(List.of("bash", "-c", "source " + stage.resolve("usr/local/share/bash-completion/completions/podshim")
                + " && complete -p podshim"), stage);
        assertEquals(0, sourced.code(), sourced.out());
        assertTrue(sourced.out().startsWith("complete "), sourced.out());

        String unit = Files.readString(stage.resolve("etc/systemd/system/podshim.service"));
        assertTrue(unit.contains("\nExecStart=/usr/local/bin/podshim daemon\n"), unit);
        assertTrue(unit.contains("\nKillMode=process\n") && unit.contains("\nDelegate=yes\n"), unit);
        assertTrue(unit.contains("\nWantedBy=multi-user.target\n"), unit);
    }
}
