package io.podshim.linux;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test helpers: run /bin/sh scripts, capture what they print, hold a process open until released. */
final class Scripts {
    static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin");

    private Scripts() {}

    record Output(ExitStatus status, String stdout) {}

    /** Runs {@code script} with /bin/sh on a namespace thread following {@code plan}. */
    static Output run(NamespacePlan plan, String script) {
        try (Pipe out = Pipe.open()) {
            SpawnSpec spec = SpawnSpec.of("/bin/sh", "-c", script).env(ENV)
                    .stdin(Stdio.devNull()).stdout(Stdio.of(out.writeEnd())).build();
            try (ChildProcess child = NamespaceThread.spawn(plan, spec)) {
                out.writeEnd().close();
                String text = readAll(out.readEnd());
                return new Output(child.waitFor(), text);
            }
        }
    }

    static String readAll(Fd fd) {
        return new String(fd.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** A process that blocks reading stdin: alive until {@link #release()} closes its stdin. */
    record Held(ChildProcess process, Fd stdin) implements AutoCloseable {
        static Held start(NamespacePlan plan) {
            try (Pipe in = Pipe.open()) {
                SpawnSpec spec = SpawnSpec.of("/bin/sh", "-c", "read line; exit 0").env(ENV)
                        .stdin(Stdio.of(in.readEnd())).stdout(Stdio.devNull()).build();
                ChildProcess child = NamespaceThread.spawn(plan, spec);
                return new Held(child, in.writeEnd().dupAtLeast(0));
            }
        }

        int pid() {
            return process.pid();
        }

        ExitStatus release() {
            stdin.close();
            return process.waitFor();
        }

        @Override
        public void close() {
            stdin.close();
            process.kill();
            process.close();
        }
    }
}
