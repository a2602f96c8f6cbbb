package io.podshim.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The node's registry settings, read as podman and CRI-O read them: {@code registries.conf} in the
 * v2 format of containers-registries.conf(5), then the drop-ins of {@code registries.conf.d/} in
 * name order (a later table for the same prefix replaces an earlier one). Of it podshim uses the
 * {@code [[registry]]} tables: {@code prefix}, {@code location}, {@code insecure}, {@code blocked},
 * {@code mirror-by-digest-only} and {@code [[registry.mirror]]} with {@code location},
 * {@code insecure} and {@code pull-from-mirror}. Short names are not searched: podshim normalises
 * them as Docker does ({@code nginx} is {@code docker.io/library/nginx}), as kubelet expects.
 */
public final class RegistriesConf {
    /** The node's file, unless {@code $CONTAINERS_REGISTRIES_CONF} names another (as for podman). */
    public static final Path NODE = Path.of("/etc/containers/registries.conf");

    /** Where to pull an image from: a registry host and repository, and whether plain HTTP or an untrusted certificate is allowed. */
    public record Endpoint(ImageReference ref, boolean insecure, boolean mirror) {}

    private record Mirror(String location, boolean insecure, String pullFrom) {}

    private record Registry(String prefix, String location, boolean insecure, boolean blocked, boolean mirrorByDigestOnly,
                            List<Mirror> mirrors) {}

    private final List<Registry> registries;
    private final String source;

    private RegistriesConf(List<Registry> registries, String source) {
        this.registries = registries;
        this.source = source;
    }

    /** No settings: every image comes from the registry its name says, over TLS. */
    public static final RegistriesConf NONE = new RegistriesConf(List.of(), "no registries.conf");

    /** The node's settings: {@code $CONTAINERS_REGISTRIES_CONF} if set, else {@link #NODE} (absent: none). */
    public static RegistriesConf node() {
        String env = System.getenv("CONTAINERS_REGISTRIES_CONF");
        return load(env != null && !env.isBlank() ? Path.of(env) : NODE);
    }

    /** {@code file} and the drop-ins in {@code <file>.d/}; a file that does not exist is no settings. */
    public static RegistriesConf load(Path file) {
        Map<String, Registry> byPrefix = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            files.add(file);
        }
        Path dropIns = file.resolveSibling(file.getFileName() + ".d");
        if (Files.isDirectory(dropIns)) {
            try (Stream<Path> listed = Files.list(dropIns)) {
                listed.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw PodException.invalid("read " + dropIns + ": " + e.getMessage());
            }
        }
        for (Path f : files) {
            for (Registry r : parse(f)) {
                byPrefix.remove(r.prefix());
                byPrefix.put(r.prefix(), r);
            }
        }
        return new RegistriesConf(List.copyOf(byPrefix.values()), file.toString());
    }

    private static List<Registry> parse(Path file) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw PodException.invalid(file + " is not TOML: " + firstLine(e.getMessage()) + ": fix it or point"
                    + " $CONTAINERS_REGISTRIES_CONF elsewhere");
        }
        if (root.has("registries") && root.path("registries").isObject()) {
            throw PodException.invalid(file + ": [registries.search]/[registries.insecure] is the v1 format, which podshim"
                    + " does not read: write [[registry]] tables (containers-registries.conf(5))");
        }
        List<Registry> out = new ArrayList<>();
        JsonNode tables = root.path("registry");
        for (int i = 0; i < tables.size(); i++) {
            JsonNode t = tables.get(i);
            String where = file + ": [[registry]] #" + (i + 1);
            String location = t.path("location").asText("");
            String prefix = t.path("prefix").asText("");
            if (prefix.isEmpty()) {
                prefix = location;
            }
            if (prefix.isEmpty()) {
                throw PodException.invalid(where + " has neither prefix nor location: give at least one");
            }
            if (location.isEmpty() && !prefix.startsWith("*.")) {
                location = prefix;
            }
            List<Mirror> mirrors = new ArrayList<>();
            for (JsonNode m : t.path("mirror")) {
                String pullFrom = m.path("pull-from-mirror").asText("all");
                if (!List.of("all", "digest-only", "tag-only", "").contains(pullFrom)) {
                    throw PodException.invalid(where + ": pull-from-mirror \"" + pullFrom + "\": use all, digest-only or tag-only");
                }
                if (m.path("location").asText("").isEmpty()) {
                    throw PodException.invalid(where + ": a [[registry.mirror]] without a location: give one");
                }
                mirrors.add(new Mirror(m.path("location").asText(), m.path("insecure").asBoolean(false),
                        pullFrom.isEmpty() ? "all" : pullFrom));
            }
            out.add(new Registry(prefix, location, t.path("insecure").asBoolean(false), t.path("blocked").asBoolean(false),
                    t.path("mirror-by-digest-only").asBoolean(false), List.copyOf(mirrors)));
        }
        return out;
    }

    /**
     * Where to pull {@code ref} from, in order: its mirrors that apply, then its primary location
     * (the name itself unless a {@code location} remaps it). A blocked name is refused here.
     */
    public List<Endpoint> endpoints(ImageReference ref) {
        String name = ref.toString();
        Registry chosen = choose(ref);
        if (chosen == null) {
            return List.of(new Endpoint(ref, false, false));
        }
        if (chosen.blocked()) {
            throw PodException.invalid("pulling " + name + " is blocked by the [[registry]] prefix \"" + chosen.prefix() + "\" in "
                    + source + ": unblock it there, or use another image");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        boolean byDigest = ref.digest() != null;
        for (Mirror m : chosen.mirrors()) {
            boolean used = chosen.mirrorByDigestOnly() ? byDigest : switch (m.pullFrom()) {
                case "digest-only" -> byDigest;
                case "tag-only" -> !byDigest;
                default -> true;
            };
            if (used) {
                endpoints.add(new Endpoint(rewrite(ref, chosen.prefix(), m.location()), m.insecure(), true));
            }
        }
        endpoints.add(new Endpoint(chosen.location().isEmpty() ? ref : rewrite(ref, chosen.prefix(), chosen.location()),
                chosen.insecure(), false));
        return endpoints;
    }

    /** Whether registries.conf lets {@code ref}'s registry be reached without trusted TLS (what login asks). */
    public boolean insecure(ImageReference ref) {
        Registry chosen = choose(ref);
        return chosen != null && chosen.insecure();
    }

    private Registry choose(ImageReference ref) {
        Registry chosen = null;
        for (Registry r : registries) {
            if (matches(ref.toString(), ref.registry(), r.prefix()) && (chosen == null || r.prefix().length() > chosen.prefix().length())) {
                chosen = r;
            }
        }
        return chosen;
    }

    /** Whether the name starts with {@code prefix} up to a separator (containers-registries.conf: prefix matching). */
    static boolean matches(String name, String host, String prefix) {
        if (prefix.startsWith("*.")) {
            String hostOnly = host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
            return hostOnly.endsWith(prefix.substring(1));
        }
        if (!name.startsWith(prefix)) {
            return false;
        }
        if (name.length() == prefix.length()) {
            return true;
        }
        char next = name.charAt(prefix.length());
        return next == '/' || next == ':' || next == '@';
    }

    private static ImageReference rewrite(ImageReference ref, String prefix, String location) {
        if (prefix.startsWith("*.")) {
            return ref; // a wildcard has no location to rewrite to: settings only
        }
        String rest = ref.toString().substring(prefix.length());
        return ImageReference.parse(location + rest);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
