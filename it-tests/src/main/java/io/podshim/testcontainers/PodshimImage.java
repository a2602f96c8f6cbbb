package io.podshim.testcontainers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The image {@link PodshimContainer} runs, built here from local files only (no registry is
 * reached): {@code FROM scratch} plus a root filesystem holding
 * <ul>
 *   <li>a JRE made with jlink from the JDK running this build (the modules jdeps finds in
 *       podshim.jar), with the shared libraries it links against, found with ldd;</li>
 *   <li>podshim.jar (its static helpers, pause, shim and exec stage, are inside it);</li>
 *   <li>Debian's static busybox, as the container's shell and tools, and as a pod image
 *       ({@code /opt/podshim/images/busybox}, imported as {@code busybox:local} when the daemon starts: a tag, so that pods use it without a pull);</li>
 *   <li>{@code podshimd}, which runs the daemon as a service, and the {@code podshim} command.</li>
 * </ul>
 */
public final class PodshimImage {
    /** What jdeps --print-module-deps reports for podshim.jar. */
    static final String MODULES = "java.base,java.desktop,java.naming,java.sql,jdk.unsupported";
    static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Pattern LDD_PATH = Pattern.compile("(/\\S+) \\(0x[0-9a-f]+\\)");

    private PodshimImage() {}

    /** The build context for {@code podshimJar}, assembled in {@code dir} (emptied first). */
    public static Path context(Path podshimJar, Path dir) {
        if (!Files.isRegularFile(podshimJar)) {
            throw new IllegalStateException(podshimJar + " is missing: build podshim first (./mvnw -B package)");
        }
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException("the podshim image takes Debian's static busybox: apt-get install busybox-static");
        }
        try {
            delete(dir);
            Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
            Path java = rootfs.resolve("opt/java");
            Files.createDirectories(java.getParent());
            run(List.of(Path.of(System.getProperty("java.home"), "bin", "jlink").toString(), "--add-modules", MODULES,
                    "--strip-debug", "--no-header-files", "--no-man-pages", "--output", java.toString()));
            copyLibraries(java, rootfs);
            Path opt = Files.createDirectories(rootfs.resolve("opt/podshim/bin"));
            Files.copy(podshimJar, opt.getParent().resolve("podshim.jar"));
            script("podshimd", opt);
            script("podshim", opt);
            busybox(rootfs);
            busybox(rootfs.resolve("opt/podshim/images/busybox"));
            for (String d : List.of("tmp", "run", "proc", "sys", "dev", "var/lib/podshim", "var/log/podshim")) {
                Files.createDirectories(rootfs.resolve(d));
            }
            Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
            Files.writeString(dir.resolve("Dockerfile"), """
                    FROM scratch
                    COPY rootfs/ /
                    ENV PATH=/opt/podshim/bin:/bin PODSHIM_SOCKET=/run/podshim-api/podshim.sock
                    ENTRYPOINT ["/bin/busybox", "sh", "/opt/podshim/bin/podshimd"]
                    """);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("build the podshim image context in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** An image of {@link #context}, tagged {@code name}, kept after the run (rebuilds reuse Docker's cache). */
    public static ImageFromDockerfile image(String name, Path podshimJar, Path dir) {
        Path context = context(podshimJar, dir);
        return new ImageFromDockerfile(name, false).withFileFromPath(".", context);
    }

    /** Every shared library the JRE's programs and libraries need, at the same path in the image. */
    private static void copyLibraries(Path java, Path rootfs) throws IOException {
        Set<String> needed = new TreeSet<>();
        List<Path> elves = new ArrayList<>();
        try (Stream<Path> files = Files.walk(java)) {
            files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".so") || p.getParent().endsWith("bin"))
                    .forEach(elves::add);
        }
        for (Path elf : elves) {
            Matcher m = LDD_PATH.matcher(output(List.of("ldd", elf.toString())));
            while (m.find()) {
                if (!Path.of(m.group(1)).normalize().startsWith(java)) { // the JRE's own libraries are there already
                    needed.add(m.group(1));
                }
            }
        }
        // glibc's companions, which JNR's own native stub (unpacked at run time) may ask for too.
        Path libc = needed.stream().filter(l -> l.contains("/libc.so")).findFirst().map(Path::of)
                .orElseThrow(() -> new IOException("ldd found no libc for " + java));
        for (String companion : List.of("libdl.so.2", "libpthread.so.0", "librt.so.1", "libm.so.6")) {
            if (Files.exists(libc.resolveSibling(companion))) {
                needed.add(libc.resolveSibling(companion).toString());
            }
        }
        for (String lib : needed) {
            Path target = rootfs.resolve(lib.substring(1));
            Files.createDirectories(target.getParent());
            // The file's content under the name the loader asks for (symlinks such as /lib → /usr/lib resolved).
            Files.copy(Path.of(lib).toRealPath(), target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * busybox under {@code root}/bin; its applet links are made when the container starts
     * ({@code busybox --install -s}, in podshimd), as a build context sent to Docker here keeps no
     * symbolic links.
     */
    private static void busybox(Path root) throws IOException {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String d : List.of("etc", "tmp", "root")) {
            Files.createDirectories(root.resolve(d));
        }
    }

    private static void script(String name, Path bin) throws IOException {
        try (InputStream in = PodshimImage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the it-tests jar");
            }
            Path target = bin.resolve(name);
            Files.copy(in, target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void run(List<String> command) throws IOException {
        output(command);
    }

    private static String output(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
        return text;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
