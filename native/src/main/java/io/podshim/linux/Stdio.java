package io.podshim.linux;

/** Where one of a spawned process's standard streams goes. */
public sealed interface Stdio {

    /** The same as the JVM's. */
    static Stdio inherit() {
        return Inherit.INSTANCE;
    }

    /** /dev/null, opened read-only for stdin and write-only for stdout and stderr. */
    static Stdio devNull() {
        return DevNull.INSTANCE;
    }

    /** A descriptor the caller owns, e.g. one end of a {@link Pipe}; the caller still closes it. */
    static Stdio of(Fd fd) {
        return new Descriptor(fd);
    }

    enum Inherit implements Stdio { INSTANCE }

    enum DevNull implements Stdio { INSTANCE }

    record Descriptor(Fd fd) implements Stdio {}
}
