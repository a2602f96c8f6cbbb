package io.podshim.runtime.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * kubectl's {@code create configmap} and {@code create secret generic|docker-registry|tls}: the
 * object is made here from literals and files and sent to the daemon, which refuses it if it
 * exists already. Values are read here and go only into the object sent; none is printed.
 */
@Command(name = "create", description = "Create a ConfigMap or a Secret from literals and files, as kubectl create does.",
        subcommands = {Create.ConfigMap.class, Create.Secret.class})
final class Create {
    @ParentCommand
    Cli cli;

    /** Where the keys and values come from, as kubectl's flags give them. */
    static final class Sources {
        @Option(names = "--from-literal", description = "KEY=VALUE (may be given again)")
        List<String> literals = new ArrayList<>();
        @Option(names = "--from-file", description = "[KEY=]PATH: a file's content under its name (or KEY); a directory: each of its files")
        List<String> files = new ArrayList<>();
        @Option(names = "--from-env-file", description = "PATH of KEY=VALUE lines (# comments and blank lines skipped)")
        List<Path> envFiles = new ArrayList<>();
        @Option(names = {"-n", "--namespace"}, description = "The namespace (default: default).")
        String namespace;

        /** Every key and its bytes, in the order given; a key given twice is an error, as kubectl's. */
        Map<String, byte[]> read() throws IOException {
            Map<String, byte[]> values = new LinkedHashMap<>();
            for (String literal : literals) {
                int eq = literal.indexOf('=');
                if (eq <= 0) {
                    // Not shown: what was given may be the value itself.
                    throw new IllegalArgumentException("--from-literal takes KEY=VALUE; one of them has no KEY=");
                }
                put(values, literal.substring(0, eq), literal.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
            }
            for (String file : files) {
                int eq = file.indexOf('=');
                Path path = Path.of(eq > 0 ? file.substring(eq + 1) : file);
                if (Files.isDirectory(path) && eq <= 0) {
                    try (var list = Files.list(path)) {
                        for (Path f : list.filter(Files::isRegularFile).sorted().toList()) {
                            put(values, f.getFileName().toString(), Files.readAllBytes(f));
                        }
                    }
                } else {
                    put(values, eq > 0 ? file.substring(0, eq) : path.getFileName().toString(), Files.readAllBytes(path));
                }
            }
            for (Path envFile : envFiles) {
                for (String line : Files.readAllLines(envFile)) {
                    String l = line.strip();
                    if (l.isEmpty() || l.startsWith("#")) {
                        continue;
                    }
                    int eq = l.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--from-env-file " + envFile + ": a line is not KEY=VALUE");
                    }
                    put(values, l.substring(0, eq), l.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
                }
            }
            return values;
        }

        private static void put(Map<String, byte[]> values, String key, byte[] value) {
            if (values.put(key, value) != null) {
                throw new IllegalArgumentException("cannot add key " + key + ", another key by that name already exists");
            }
        }
    }

    @Command(name = "configmap", aliases = "cm", description = "Create a ConfigMap: text under data, anything else under binaryData.")
    static final class ConfigMap implements Callable<Integer> {
        @ParentCommand
        Create create;
        @Parameters(index = "0", description = "its name")
        String name;
        @picocli.CommandLine.Mixin
        Sources sources = new Sources();

        @Override
        public Integer call() {
            return create.send(() -> {
                StringBuilder data = new StringBuilder();
                StringBuilder binary = new StringBuilder();
                for (Map.Entry<String, byte[]> e : sources.read().entrySet()) {
                    String text = utf8(e.getValue());
                    StringBuilder to = text != null ? data : binary;
                    to.append(to.length() == 0 ? "" : ", ").append(json(e.getKey())).append(": ")
                            .append(json(text != null ? text : Base64.getEncoder().encodeToString(e.getValue())));
                }
                return header("ConfigMap", name, sources.namespace) + ", \"data\": {" + data + "}"
                        + (binary.length() == 0 ? "" : ", \"binaryData\": {" + binary + "}") + "}";
            });
        }
    }

    @Command(name = "secret", description = "Create a Secret.", subcommands = {Generic.class, DockerRegistry.class, Tls.class})
    static final class Secret {
        @ParentCommand
        Create create;
    }

    @Command(name = "generic", description = "A Secret from literals and files (type Opaque unless --type).")
    static final class Generic implements Callable<Integer> {
        @ParentCommand
        Secret secret;
        @Parameters(index = "0", description = "its name")
        String name;
        @Option(names = "--type", description = "The Secret's type (default Opaque).")
        String type = "Opaque";
        @picocli.CommandLine.Mixin
        Sources sources = new Sources();

        @Override
        public Integer call() {
            return secret.create.send(() -> Create.secret(name, sources.namespace, type, sources.read()));
        }
    }

    @Command(name = "docker-registry", description = "A kubernetes.io/dockerconfigjson Secret for a pod's imagePullSecrets.")
    static final class DockerRegistry implements Callable<Integer> {
        @ParentCommand
        Secret secret;
        @Parameters(index = "0", description = "its name")
        String name;
        @Option(names = "--docker-server", required = true, description = "The registry (host[:port]).")
        String server;
        @Option(names = "--docker-username", required = true)
        String user;
        @Option(names = "--docker-password", required = true)
        String password;
        @Option(names = "--docker-email")
        String email;
        @Option(names = {"-n", "--namespace"}, description = "The namespace (default: default).")
        String namespace;

        @Override
        public Integer call() {
            return secret.create.send(() -> {
                String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                String config = "{\"auths\": {" + json(server) + ": {\"username\": " + json(user) + ", \"password\": " + json(password)
                        + (email == null ? "" : ", \"email\": " + json(email)) + ", \"auth\": " + json(auth) + "}}}";
                return Create.secret(name, namespace, "kubernetes.io/dockerconfigjson",
                        Map.of(".dockerconfigjson", config.getBytes(StandardCharsets.UTF_8)));
            });
        }
    }

    @Command(name = "tls", description = "A kubernetes.io/tls Secret from a certificate and its key.")
    static final class Tls implements Callable<Integer> {
        @ParentCommand
        Secret secret;
        @Parameters(index = "0", description = "its name")
        String name;
        @Option(names = "--cert", required = true)
        Path cert;
        @Option(names = "--key", required = true)
        Path key;
        @Option(names = {"-n", "--namespace"}, description = "The namespace (default: default).")
        String namespace;

        @Override
        public Integer call() {
            return secret.create.send(() -> {
                Map<String, byte[]> values = new LinkedHashMap<>();
                values.put("tls.crt", Files.readAllBytes(cert));
                values.put("tls.key", Files.readAllBytes(key));
                return Create.secret(name, namespace, "kubernetes.io/tls", values);
            });
        }
    }

    interface Body {
        String make() throws IOException;
    }

    /** Makes the object and sends it: {@code configmap/NAME created}, or the daemon's refusal. */
    int send(Body body) {
        String object;
        try {
            object = body.make();
        } catch (IOException | IllegalArgumentException e) {
            cli.err.println("error: " + (e instanceof java.nio.file.NoSuchFileException ? e.getMessage() + ": no such file" : e.getMessage()));
            return 1;
        }
        try {
            ApiClient.Reply r = new ApiClient(cli.socket).call("POST", "/v1/objects", object.getBytes(StandardCharsets.UTF_8));
            return cli.result(r, !r.ok() ? null : r.field("kind").toLowerCase(java.util.Locale.ROOT) + "/" + r.field("name") + " created\n");
        } catch (IOException e) {
            return cli.failed(e);
        }
    }

    private static String secret(String name, String namespace, String type, Map<String, byte[]> values) {
        StringBuilder data = new StringBuilder();
        values.forEach((k, v) -> data.append(data.length() == 0 ? "" : ", ").append(json(k)).append(": ")
                .append(json(Base64.getEncoder().encodeToString(v))));
        return header("Secret", name, namespace) + ", \"type\": " + json(type) + ", \"data\": {" + data + "}}";
    }

    private static String header(String kind, String name, String namespace) {
        return "{\"apiVersion\": \"v1\", \"kind\": \"" + kind + "\", \"metadata\": {\"name\": " + json(name) + ", \"namespace\": "
                + json(namespace == null ? "default" : namespace) + "}";
    }

    /** The text of {@code bytes} if they are UTF-8 (kubectl's test for data against binaryData), else null. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A JSON string. */
    static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
