package io.podshim.runtime;

import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.StoredImage;
import io.podshim.runtime.image.TerminalProgress;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code podshim image import SOURCE NAME [--store DIR]} and {@code podshim image ls [--store DIR]}, on the local store. */
final class ImageCommand {
    static final Path DEFAULT_STORE = Path.of("/var/lib/podshim/images");

    private ImageCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length >= 2 && args[1].equals("ls")) {
            Path store = args.length >= 4 && args[2].equals("--store") ? Path.of(args[3]) : DEFAULT_STORE;
            ImageStore images = new ImageStore(store);
            out.printf("%-40s %s%n", "NAME", "ID");
            for (String name : images.names()) {
                images.find(name).ifPresent(image -> out.printf("%-40s %s%n", name, image.id()));
            }
            return 0;
        }
        if (args.length < 4 || !args[1].equals("import")) {
            err.println("usage: podshim image import SOURCE NAME [--store DIR] | podshim image ls [--store DIR]");
            return 2;
        }
        Path source = Path.of(args[2]);
        String name = args[3];
        Path store = args.length >= 6 && args[4].equals("--store") ? Path.of(args[5]) : DEFAULT_STORE;
        if (!Files.exists(source)) {
            err.println("podshim: image import: " + source + " does not exist: give an OCI layout directory, an OCI or"
                    + " docker save archive, or a rootfs directory");
            return 1;
        }
        try {
            StoredImage image = new ImageStore(store).importImage(source, name, TerminalProgress.forConsole(out, name));
            out.println(image.name() + " " + image.id());
            return 0;
        } catch (PodException e) {
            err.println("podshim: " + e.getMessage());
            return 1;
        }
    }
}
