package io.podshim.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One process to start with posix_spawn: what to execute, with which argv and environment, where
 * its stdio goes and which extra descriptors it keeps (numbered 3, 4, … in the order given). Every
 * other descriptor of the JVM is closed in the child, every signal is reset to its default and
 * unblocked, so a child never inherits the JVM's signal handling.
 *
 * @param path an absolute path, or a bare name looked up in the JVM's own PATH
 */
public record SpawnSpec(
        String path,
        List<String> argv,
        List<String> env,
        Stdio stdin,
        Stdio stdout,
        Stdio stderr,
        List<Fd> inheritedFds,
        String workingDir,
        boolean newSession) {

    public SpawnSpec {
        Objects.requireNonNull(path, "path");
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        inheritedFds = List.copyOf(inheritedFds);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must hold at least the program name");
        }
    }

    /** {@code path} run as {@code argv[0]} with the given arguments, stdio inherited, no environment. */
    public static Builder of(String path, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(path);
        argv.addAll(List.of(args));
        return new Builder(path, argv);
    }

    public static final class Builder {
        private final String path;
        private final List<String> argv;
        private List<String> env = List.of();
        private Stdio stdin = Stdio.inherit();
        private Stdio stdout = Stdio.inherit();
        private Stdio stderr = Stdio.inherit();
        private final List<Fd> inherited = new ArrayList<>();
        private String workingDir;
        private boolean newSession;

        private Builder(String path, List<String> argv) {
            this.path = path;
            this.argv = argv;
        }

        public Builder env(List<String> keyEqualsValue) {
            this.env = List.copyOf(keyEqualsValue);
            return this;
        }

        public Builder stdin(Stdio stdio) {
            this.stdin = stdio;
            return this;
        }

        public Builder stdout(Stdio stdio) {
            this.stdout = stdio;
            return this;
        }

        public Builder stderr(Stdio stdio) {
            this.stderr = stdio;
            return this;
        }

        /** Passes {@code fd} on as descriptor 3 + (number of descriptors passed before it). */
        public Builder inherit(Fd fd) {
            inherited.add(fd);
            return this;
        }

        public Builder workingDir(String dir) {
            this.workingDir = dir;
            return this;
        }

        /** setsid(2) in the child, so it leads its own session and process group. */
        public Builder newSession() {
            this.newSession = true;
            return this;
        }

        public SpawnSpec build() {
            return new SpawnSpec(path, argv, env, stdin, stdout, stderr, inherited, workingDir, newSession);
        }
    }
}
