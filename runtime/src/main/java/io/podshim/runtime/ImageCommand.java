package io.podshim.runtime;

import io.podshim.runtime.image.ImageStore;
import io.podshim.runtime.image.StoredImage;
import io.podshim.runtime.image.TerminalProgress;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code podshim image import SOURCE NAME [--store DIR]}, {@code podshim image pull REF} and
 * {@code podshim image ls [--store DIR]} on the local store (a daemon reads the store afresh for every
 * pod); {@code podshim image rm NAME} through the daemon when one runs, as only it knows which pods
 * use an image.
 */
public final class ImageCommand {
    static final Path DEFAULT_STORE = Path.of("/var/lib/podshim/images");

    private static final String USAGE = "usage: podshim image import SOURCE [NAME] [--store DIR] | podshim image ls [--store DIR]"
            + " | podshim image rm NAME [--socket PATH] [--store DIR]"
            + " | podshim image pull REF [--authfile FILE] [--cert-dir DIR] [--store DIR]";

    private ImageCommand() {}

    /** {@code image rm NAME}: by the daemon, which refuses while a pod uses the image; without a daemon, locally. */
    private static int remove(String[] args, PrintStream out, PrintStream err) {
        String name = args[2];
        Path socket = io.podshim.runtime.cli.Cli.defaultSocket();
        Path store = DEFAULT_STORE;
        for (int i = 3; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--socket" -> socket = Path.of(args[i + 1]);
                case "--store" -> store = Path.of(args[i + 1]);
                default -> {
                    err.println(USAGE);
                    return 2;
                }
            }
        }
        if (Files.exists(socket)) {
            try {
                io.podshim.runtime.cli.ApiClient.Reply r = new io.podshim.runtime.cli.ApiClient(socket).call("DELETE",
                        "/v1/images/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8), null);
                if (!r.ok()) {
                    err.println("Error from podshim: " + r.message());
                    return 1;
                }
                out.println("Untagged: " + name);
                return 0;
            } catch (java.io.IOException noDaemon) {
                // a stale socket: nobody runs pods from this store through a daemon
            }
        }
        try {
            StoredImage removed = new ImageStore(store).remove(name);
            out.println("Untagged: " + removed.name());
            return 0;
        } catch (PodException e) {
            err.println("podshim: " + e.getMessage());
            return 1;
        }
    }

    /** {@code image pull REF}: from its registry into the local store, as {@code podman pull} does. */
    private static int pull(String[] args, PrintStream out, PrintStream err) {
        String ref = args[2];
        Path store = DEFAULT_STORE;
        Path authFile = null;
        Path certDir = null;
        for (int i = 3; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--store" -> store = Path.of(args[i + 1]);
                case "--authfile" -> authFile = Path.of(args[i + 1]);
                case "--cert-dir" -> certDir = Path.of(args[i + 1]);
                default -> {
                    err.println(USAGE);
                    return 2;
                }
            }
        }
        if ((args.length - 3) % 2 != 0) {
            err.println(USAGE);
            return 2;
        }
        try {
            ImageStore images = new ImageStore(store);
            io.podshim.runtime.image.registry.PullSettings settings = new io.podshim.runtime.image.registry.PullSettings(authFile,
                    certDir, null);
            StoredImage image = new io.podshim.runtime.image.registry.ImagePuller(images, images.stagingDir(), settings)
                    .pull(ref, io.podshim.runtime.image.registry.ConsolePullProgress.forConsole(out)).image();
            out.println(image.name() + " " + image.id());
            return 0;
        } catch (PodException e) {
            err.println("podshim: image pull " + ref + ": " + e.getMessage());
            return 1;
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length >= 2 && args[1].equals("ls")) {
            Path store = args.length >= 4 && args[2].equals("--store") ? Path.of(args[3]) : DEFAULT_STORE;
            ImageStore images = new ImageStore(store);
            out.print(io.podshim.runtime.image.ImageInfo.table(images.names().stream().map(images::info)
                    .flatMap(java.util.Optional::stream).toList()));
            return 0;
        }
        if (args.length >= 3 && args[1].equals("rm")) {
            return remove(args, out, err);
        }
        if (args.length >= 3 && args[1].equals("pull")) {
            return pull(args, out, err);
        }
        if (args.length < 3 || !args[1].equals("import")) {
            err.println(USAGE);
            return 2;
        }
        Path source = Path.of(args[2]);
        // NAME may be left out when the archive names its image (docker save's RepoTags, an OCI ref.name).
        boolean named = args.length >= 4 && !args[3].equals("--store");
        String name = named ? args[3] : null;
        int options = named ? 4 : 3;
        Path store = args.length >= options + 2 && args[options].equals("--store") ? Path.of(args[options + 1]) : DEFAULT_STORE;
        if (!Files.exists(source)) {
            err.println("podshim: image import: " + source + " does not exist: give an OCI layout directory, an OCI or"
                    + " docker save archive, or a rootfs directory");
            return 1;
        }
        try {
            StoredImage image = new ImageStore(store).importImage(source, name,
                    TerminalProgress.forConsole(out, name != null ? name : source.getFileName().toString()));
            out.println(image.name() + " " + image.id());
            return 0;
        } catch (PodException e) {
            err.println("podshim: " + e.getMessage());
            return 1;
        }
    }
}
