package io.podshim.linux;

import java.nio.charset.StandardCharsets;

/** The hostname of the calling thread's UTS namespace. */
public final class Hostname {
    private static final int HOST_NAME_MAX = 64;

    private Hostname() {}

    public static void set(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        Kernel.check("sethostname", name, () -> Kernel.libc().sethostname(bytes, bytes.length));
    }

    public static String get() {
        byte[] buffer = new byte[HOST_NAME_MAX + 1];
        Kernel.check("gethostname", "", () -> Kernel.libc().gethostname(buffer, buffer.length));
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, StandardCharsets.UTF_8);
    }
}
