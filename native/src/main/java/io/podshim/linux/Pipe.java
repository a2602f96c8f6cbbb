package io.podshim.linux;

/** Both ends of a pipe2(2), close-on-exec. Closing the pipe closes whichever ends are still open. */
public record Pipe(Fd readEnd, Fd writeEnd) implements AutoCloseable {

    public static Pipe open() {
        int[] fds = new int[2];
        Kernel.check("pipe2", "O_CLOEXEC", () -> Kernel.libc().pipe2(fds, Fd.O_CLOEXEC));
        return new Pipe(Fd.adopt(fds[0]), Fd.adopt(fds[1]));
    }

    @Override
    public void close() {
        try {
            readEnd.close();
        } finally {
            writeEnd.close();
        }
    }
}
