package io.podshim.cgroups;

import io.podshim.linux.Fd;
import io.podshim.linux.Pipe;
import java.nio.charset.StandardCharsets;

/**
 * The hand-shake that puts a process into its cgroup before it runs its payload (works on v1 and
 * v2): the child is spawned holding {@link #childEnd()} and blocks reading it; the daemon places
 * the child's pid with {@link #release}, which then writes the line {@code 1}. If placing fails, the gate is
 * closed without that line and the child reads end of file: it must then exit without running
 * anything. The exec stage does the child's side; a shell can do it with {@code read x <&3}.
 */
public final class CgroupGate implements AutoCloseable {
    private final Pipe pipe = Pipe.open();

    /** The descriptor to pass to the child (e.g. as fd 3 with {@code SpawnSpec.Builder.inherit}). */
    public Fd childEnd() {
        return pipe.readEnd();
    }

    /** Places {@code pid} in {@code path} in every hierarchy, then lets the child go on. */
    public void release(CgroupManager manager, CgroupPath path, long pid) {
        try {
            pipe.readEnd().close();
            manager.place(path, pid);
            // A line, so that a shell's read (which fails at end of file without one) also works.
            pipe.writeEnd().write("1\n".getBytes(StandardCharsets.US_ASCII));
        } finally {
            close();
        }
    }

    /** Closes both ends; a child still waiting sees end of file and must not run its payload. */
    @Override
    public void close() {
        pipe.close();
    }
}
