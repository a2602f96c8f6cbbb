package io.podshim.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** A test image: Debian's static busybox with a link per applet, plus the usual empty directories. */
public final class BusyboxImage {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxImage() {}

    public static Path create(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException("these host tests build their images from Debian's busybox-static: "
                    + "apt-get install busybox-static (.ci/run does)");
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        for (String applet : new String(list.getInputStream().readAllBytes()).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        if (list.waitFor() != 0) {
            throw new IllegalStateException("busybox --list failed");
        }
        for (String empty : List.of("etc", "tmp", "root", "data")) {
            Files.createDirectories(dir.resolve(empty));
        }
        // busybox has no SysV IPC tools: a tiny static helper stands in.
        Process cc = new ProcessBuilder("gcc", "-static", "-O1", "-Wall", "-Werror", "-o", bin.resolve("sysv-sem").toString(),
                "src/test/c/sysv-sem.c").inheritIO().start();
        if (cc.waitFor() != 0) {
            throw new IllegalStateException("cannot compile src/test/c/sysv-sem.c");
        }
        return dir;
    }
}
