package io.podshim.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One repository of one registry, spoken to as the OCI distribution spec (v1.1) says: the
 * {@code /v2/} probe, then Basic auth or the Bearer token challenge (anonymous or with
 * credentials), manifests by tag or digest with every media type podshim reads, and blobs streamed
 * to a file with their digest checked on the way. A redirect to blob storage is followed without
 * the registry's credentials.
 */
public final class RegistryClient {
    /** The manifest media types asked for: OCI index and manifest, Docker manifest list and schema 2. */
    static final List<String> MANIFEST_TYPES = List.of("application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;

    /** A manifest as the registry sent it: its bytes (whose sha256 is its digest) and its media type. */
    public record Fetched(byte[] bytes, String mediaType, String digest) {
        JsonNode json() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw PodException.invalid("the manifest " + digest + " is not JSON: " + e.getMessage());
            }
        }
    }

    private final ImageReference ref;
    private final Optional<RegistryAuth.Credentials> credentials;
    private final HttpClient http;
    private final URI base;
    private String authorization;

    /**
     * @param certDir a directory of CA certificates ({@code *.crt}) for this registry, or null for
     *     {@code /etc/containers/certs.d/HOST[:PORT]} (then {@code /etc/docker/certs.d/…}) if it exists
     */
    public RegistryClient(ImageReference ref, Optional<RegistryAuth.Credentials> credentials, Path certDir) {
        this.ref = ref;
        this.credentials = credentials;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(30))
                .sslContext(RegistryTls.context(certDir != null ? certDir : RegistryTls.certsDir(ref.registry()))).build();
        this.base = URI.create("https://" + ref.apiHost() + "/v2/");
    }

    /** {@code GET /v2/}, its challenge answered: whether the registry takes these credentials (login checks them so). */
    public void ping() {
        HttpResponse<byte[]> response = send(request(base), HttpResponse.BodyHandlers.ofByteArray(), true);
        expectOk(response, "/v2/");
    }

    /** The manifest {@code reference} (a tag or a digest) of the repository, its digest checked when a digest was asked for. */
    public Fetched manifest(String reference) {
        HttpResponse<byte[]> response = send(request(base.resolve(ref.repository() + "/manifests/" + reference))
                .header("Accept", String.join(", ", MANIFEST_TYPES)), HttpResponse.BodyHandlers.ofByteArray(), true);
        expectOk(response, "manifest " + reference);
        byte[] bytes = response.body();
        String digest = "sha256:" + io.podshim.linux.StaticHelper.sha256(bytes);
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw PodException.invalid("the manifest " + reference + " from " + ref.registry() + " for " + ref.repository()
                    + " hashes to " + digest + ": refused");
        }
        String type = response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        return new Fetched(bytes, type.isEmpty() ? new Fetched(bytes, "", digest).json().path("mediaType").asText() : type, digest);
    }

    /** Streams blob {@code digest} into {@code target}; a blob whose content does not hash to its digest is deleted and refused. */
    public void blob(String digest, Path target) {
        URI uri = base.resolve(ref.repository() + "/blobs/" + digest);
        boolean withAuth = true;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<InputStream> response = send(request(uri, withAuth), HttpResponse.BodyHandlers.ofInputStream(), withAuth);
            int status = response.statusCode();
            if (status / 100 == 3) {
                close(response);
                String location = response.headers().firstValue("Location").orElseThrow(() -> PodException.unavailable(
                        status + " without a Location from " + ref.registry() + " for blob " + digest));
                uri = uri.resolve(location);
                withAuth = false; // blob storage gets no registry token (distribution spec: redirects)
                continue;
            }
            if (status != 200) {
                close(response);
            }
            expectOk(response, "blob " + digest);
            MessageDigest sha = sha256Digest();
            try (InputStream in = new DigestInputStream(response.body(), sha); OutputStream out = Files.newOutputStream(target)) {
                in.transferTo(out);
            } catch (IOException e) {
                deleteQuietly(target);
                throw PodException.unavailable("blob " + digest + " from " + ref.registry() + " for " + ref.repository()
                        + " broke off: " + e.getMessage());
            }
            String got = "sha256:" + HexFormat.of().formatHex(sha.digest());
            if (!got.equals(digest)) {
                deleteQuietly(target);
                throw PodException.invalid("blob " + digest + " from " + ref.registry() + " for " + ref.repository()
                        + " does not match its digest (its content hashes to " + got + "): refused");
            }
            return;
        }
        throw PodException.unavailable("blob " + digest + " from " + ref.registry() + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private HttpRequest.Builder request(URI uri) {
        return request(uri, true);
    }

    private HttpRequest.Builder request(URI uri, boolean withAuth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET();
        if (withAuth && authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    /** Sends, answering a 401 challenge once (Basic, or a Bearer token for this repository) and sending again. */
    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, boolean mayAuthenticate) {
        HttpResponse<T> response = exchange(request.build(), body);
        if (response.statusCode() == 401 && mayAuthenticate && authorization == null) {
            close(response);
            authorization = answer(response.headers().firstValue("WWW-Authenticate").orElse(""));
            request.setHeader("Authorization", authorization);
            response = exchange(request.build(), body);
        }
        return response;
    }

    private String answer(String challenge) {
        String scheme = challenge.split(" ", 2)[0];
        if (scheme.equalsIgnoreCase("Basic")) {
            RegistryAuth.Credentials c = credentials.orElseThrow(() -> PodException.invalid("401 Unauthorized from "
                    + ref.registry() + " for " + ref.repository() + ": it wants credentials; podshim login " + ref.registry()
                    + " (or an auth file: --authfile)"));
            return basic(c);
        }
        if (scheme.equalsIgnoreCase("Bearer")) {
            Map<String, String> params = new LinkedHashMap<>();
            Matcher m = CHALLENGE_PARAM.matcher(challenge);
            while (m.find()) {
                params.put(m.group(1), m.group(2));
            }
            String realm = params.get("realm");
            if (realm == null) {
                throw PodException.unavailable(ref.registry() + " asked for a Bearer token without a realm: " + challenge);
            }
            String query = (params.containsKey("service") ? "service=" + enc(params.get("service")) + "&" : "")
                    + "scope=" + enc("repository:" + ref.repository() + ":pull");
            HttpRequest.Builder token = HttpRequest.newBuilder(URI.create(realm + (realm.contains("?") ? "&" : "?") + query)).GET();
            credentials.ifPresent(c -> token.header("Authorization", basic(c)));
            HttpResponse<byte[]> answer = exchange(token.build(), HttpResponse.BodyHandlers.ofByteArray());
            expectOk(answer, "a token from " + realm);
            try {
                JsonNode json = JSON.readTree(answer.body());
                String value = json.hasNonNull("token") ? json.get("token").asText() : json.path("access_token").asText(null);
                if (value == null) {
                    throw PodException.unavailable("the token endpoint " + realm + " answered without a token");
                }
                return "Bearer " + value;
            } catch (IOException e) {
                throw PodException.unavailable("the token endpoint " + realm + " answered " + e.getMessage());
            }
        }
        throw PodException.unavailable(ref.registry() + " asked for an authentication podshim does not speak: " + challenge);
    }

    private static String basic(RegistryAuth.Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.user() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw PodException.unavailable(request.method() + " " + request.uri() + " (" + ref.registry() + " for "
                    + ref.repository() + "): " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PodException.unavailable("interrupted while talking to " + ref.registry());
        }
    }

    /** A failed answer as the user should read it: status, registry, repository, what was asked, what to do. */
    private void expectOk(HttpResponse<?> response, String what) {
        int status = response.statusCode();
        if (status == 200) {
            return;
        }
        String where = " from " + ref.registry() + " for " + ref.repository();
        String hint = switch (status) {
            case 401 -> ": check the credentials" + credentials.map(c -> " in " + c.source()).orElse(" (none were found: podshim login "
                    + ref.registry() + ")");
            case 403 -> ": these credentials may not pull it";
            case 404 -> ": " + what + " does not exist (check the name and tag)";
            default -> ": " + what;
        };
        String text = status + " " + reason(status) + where + hint;
        throw status == 404 ? PodException.notFound(text) : status == 401 || status == 403 ? PodException.invalid(text)
                : PodException.unavailable(text);
    }

    private static String reason(int status) {
        return switch (status) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "";
        };
    }

    private static void close(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing more to read from it
            }
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the staging directory goes as a whole
        }
    }
}
