package io.podshim.runtime;

import io.podshim.runtime.image.registry.ImageReference;
import io.podshim.runtime.image.registry.RegistriesConf;
import io.podshim.runtime.image.registry.RegistryAuth;
import io.podshim.runtime.image.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code podshim login REGISTRY -u USER --password-stdin [--authfile F] [--cert-dir D]} and
 * {@code podshim logout REGISTRY [--authfile F]}, as podman's: login checks the credentials against
 * the registry before it writes them to the auth file podman uses ({@link RegistryAuth}). The
 * password is read from standard input only, never from the command line, and never printed.
 */
public final class LoginCommand {
    private static final String USAGE = "usage: podshim login REGISTRY -u USER --password-stdin [--authfile FILE] [--cert-dir DIR]"
            + " | podshim logout REGISTRY [--authfile FILE]";

    private LoginCommand() {}

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length < 2) {
            err.println(USAGE);
            return 2;
        }
        String registry = args[1];
        String user = null;
        boolean passwordStdin = false;
        Path authFile = null;
        Path certDir = null;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "-u", "--username" -> user = i + 1 < args.length ? args[++i] : null;
                case "--password-stdin" -> passwordStdin = true;
                case "--authfile" -> authFile = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--cert-dir" -> certDir = i + 1 < args.length ? Path.of(args[++i]) : null;
                default -> {
                    err.println(args[i].startsWith("-p") || args[i].equals("--password")
                            ? "podshim: give the password on standard input (--password-stdin), not on the command line" : USAGE);
                    return 2;
                }
            }
        }
        Path file = RegistryAuth.fileToWrite(authFile);
        try {
            if (args[0].equals("logout")) {
                out.println(RegistryAuth.remove(file, registry) ? "Removed login credentials for " + registry
                        : "Not logged into " + registry);
                return 0;
            }
            if (user == null || !passwordStdin) {
                err.println(USAGE);
                return 2;
            }
            String password = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (password.isEmpty()) {
                err.println("podshim: login " + registry + ": no password on standard input");
                return 1;
            }
            // Any repository will do for the /v2/ probe: the credentials are the registry's.
            ImageReference probe = ImageReference.parse(registry + "/library/login");
            try (RegistryClient client = new RegistryClient(probe, Optional.of(new RegistryAuth.Credentials(user, password, file)),
                    certDir, RegistriesConf.node().insecure(probe))) {
                client.ping();
            }
            RegistryAuth.save(file, registry, user, password);
            out.println("Login Succeeded!");
            return 0;
        } catch (PodException e) {
            err.println("podshim: " + args[0] + " " + registry + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("podshim: login " + registry + ": read the password from standard input: " + e.getMessage());
            return 1;
        }
    }
}
