package io.podshim.runtime.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podshim.runtime.PodException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One repository of one registry, spoken to as the OCI distribution spec (v1.1) says: the
 * {@code /v2/} probe, then Basic auth or the Bearer token challenge (anonymous or with
 * credentials), manifests by tag or digest with every media type podshim reads, and blobs streamed
 * to a file with their digest checked on the way. A redirect to blob storage is followed without
 * the registry's credentials. Its HTTP client (Jetty's: connections, threads) lives until
 * {@link #close}, so a daemon that pulls all day holds no sockets between pulls.
 */
public final class RegistryClient implements AutoCloseable {
    /** The manifest media types asked for: OCI index and manifest, Docker manifest list and schema 2. */
    static final List<String> MANIFEST_TYPES = List.of("application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;
    /** The longest a whole small answer (a manifest, a token) may take, and a blob's headers. */
    private static final long TIMEOUT_SECONDS = 120;
    private static final long IDLE_SECONDS = 60;

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

    /** Told the bytes of a blob as they arrive. */
    @FunctionalInterface
    public interface BlobProgress {
        BlobProgress NONE = (digest, bytes) -> { };

        /** {@code bytes} of blob {@code digest} have arrived so far. */
        void received(String digest, long bytes);
    }

    /** A GET to send: where, with which headers, and whether the registry's authorization goes along. */
    private record Get(URI uri, Map<String, String> headers, boolean withAuth) {
        Get at(URI other) {
            return new Get(other, headers, withAuth);
        }
    }

    private final ImageReference ref;
    private final Optional<RegistryAuth.Credentials> credentials;
    private final HttpClient http;
    private final boolean insecure;
    private volatile URI base;
    private volatile String authorization;

    /**
     * @param certDir a directory of CA certificates ({@code *.crt}) for this registry, or null for
     *     {@code /etc/containers/certs.d/HOST[:PORT]} (then {@code /etc/docker/certs.d/…}) if it exists
     */
    public RegistryClient(ImageReference ref, Optional<RegistryAuth.Credentials> credentials, Path certDir) {
        this(ref, credentials, certDir, false);
    }

    /**
     * @param insecure as registries.conf's {@code insecure}: any certificate is taken, and a registry
     *     that does not speak TLS is spoken to in plain HTTP
     */
    public RegistryClient(ImageReference ref, Optional<RegistryAuth.Credentials> credentials, Path certDir, boolean insecure) {
        this.ref = ref;
        this.credentials = credentials;
        this.insecure = insecure;
        SslContextFactory.Client tls = new SslContextFactory.Client();
        if (insecure) {
            tls.setTrustAll(true); // registries.conf: "TLS connections with untrusted certificates are allowed"
            tls.setEndpointIdentificationAlgorithm(null);
        } else {
            tls.setSslContext(RegistryTls.context(certDir != null ? certDir : RegistryTls.certsDir(ref.registry())));
        }
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("registry-" + ref.registry());
        threads.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        connector.setConnectTimeout(Duration.ofSeconds(30));
        connector.setExecutor(threads);
        connector.setSelectors(1);
        this.http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        http.setFollowRedirects(false);
        // A blob may take longer than any total timeout; a connection silent this long is dead.
        http.setIdleTimeout(Duration.ofSeconds(IDLE_SECONDS).toMillis());
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "podshim"));
        RegistryProxy proxy = RegistryProxy.fromEnvironment();
        proxy.forEachProxy((scheme, address) -> http.getProxyConfiguration().addProxy(new HttpProxy(
                new Origin.Address(address.getHostString(), address.getPort()), false) {
            @Override
            public boolean matches(Origin origin) {
                return origin.getScheme().equalsIgnoreCase(scheme) && !proxy.bypassed(origin.getAddress().getHost(),
                        origin.getAddress().getPort());
            }
        }));
        try {
            http.start();
            // The registry's 401s are answered here (its challenge names a token realm), not by Jetty's own handlers.
            http.getProtocolHandlers().clear();
        } catch (Exception e) {
            throw new PodException("start an HTTP client for " + ref.registry() + ": " + e, e);
        }
        this.base = URI.create("https://" + ref.apiHost() + "/v2/");
    }

    /** {@code GET /v2/}, its challenge answered: whether the registry takes these credentials (login checks them so). */
    public void ping() {
        ContentResponse response = send(new Get(base, Map.of(), true), true);
        expectOk(response.getStatus(), "/v2/");
    }

    /** The manifest {@code reference} (a tag or a digest) of the repository, its digest checked when a digest was asked for. */
    public Fetched manifest(String reference) {
        ContentResponse response = send(new Get(base.resolve(ref.repository() + "/manifests/" + reference),
                Map.of("Accept", String.join(", ", MANIFEST_TYPES)), true), true);
        expectOk(response.getStatus(), "manifest " + reference);
        byte[] bytes = response.getContent();
        String digest = "sha256:" + io.podshim.linux.StaticHelper.sha256(bytes);
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw PodException.invalid("the manifest " + reference + " from " + ref.registry() + " for " + ref.repository()
                    + " hashes to " + digest + ": refused");
        }
        String header = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String type = header == null ? "" : header.split(";")[0].trim();
        return new Fetched(bytes, type.isEmpty() ? new Fetched(bytes, "", digest).json().path("mediaType").asText() : type, digest);
    }

    /** Streams blob {@code digest} into {@code target}; a blob whose content does not hash to its digest is deleted and refused. */
    public void blob(String digest, Path target) {
        blob(digest, target, BlobProgress.NONE);
    }

    /** {@link #blob(String, Path)}, telling {@code progress} as the bytes arrive. */
    public void blob(String digest, Path target, BlobProgress progress) {
        try {
            blob(digest, in -> {
                try (OutputStream out = Files.newOutputStream(target)) {
                    in.transferTo(out);
                }
            }, progress);
        } catch (RuntimeException e) {
            deleteQuietly(target);
            throw e;
        }
    }

    /** What reads a blob as it streams in (an unpacker, a file); whatever it leaves unread is read for the digest. */
    @FunctionalInterface
    public interface BlobReader {
        void read(InputStream in) throws IOException;
    }

    /**
     * Streams blob {@code digest} through {@code reader}, telling {@code progress} as the bytes
     * arrive; only once the reader is done is the digest checked, so what it made of the bytes
     * must be thrown away if this throws.
     */
    public void blob(String digest, BlobReader reader, BlobProgress progress) {
        Get get = new Get(base.resolve(ref.repository() + "/blobs/" + digest), Map.of(), true);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Streamed streamed = stream(get);
            Response response = streamed.response();
            int status = response.getStatus();
            if (status == 401 && get.withAuth() && authorization == null) {
                closeQuietly(streamed.body());
                authorization = answer(response.getHeaders().get(HttpHeader.WWW_AUTHENTICATE));
                continue; // the same request, now with the authorization
            }
            if (status / 100 == 3) {
                closeQuietly(streamed.body());
                String location = response.getHeaders().get(HttpHeader.LOCATION);
                if (location == null) {
                    throw PodException.unavailable(status + " without a Location from " + ref.registry() + " for blob " + digest);
                }
                // Blob storage gets no registry token (distribution spec: redirects).
                try {
                    get = new Get(get.uri().resolve(new URI(location)), Map.of(), false);
                } catch (java.net.URISyntaxException e) {
                    throw PodException.unavailable(status + " from " + ref.registry() + " for blob " + digest + " to a Location that is"
                            + " not a URL: " + location);
                }
                continue;
            }
            if (status != 200) {
                closeQuietly(streamed.body());
            }
            expectOk(status, "blob " + digest);
            MessageDigest sha = sha256Digest();
            try (InputStream in = new Counted(new DigestInputStream(streamed.body(), sha), digest, progress)) {
                Exception unread = null;
                try {
                    reader.read(in);
                } catch (IOException | RuntimeException e) {
                    unread = e; // the reader's complaint, unless the bytes were not the blob's: the digest tells
                }
                in.transferTo(OutputStream.nullOutputStream());
                String got = "sha256:" + HexFormat.of().formatHex(sha.digest());
                if (!got.equals(digest)) {
                    throw PodException.invalid("blob " + digest + " from " + ref.registry() + " for " + ref.repository()
                            + " does not match its digest (its content hashes to " + got + "): refused");
                }
                if (unread instanceof PodException p) {
                    throw p;
                }
                if (unread != null) {
                    throw PodException.invalid("blob " + digest + " from " + ref.registry() + " for " + ref.repository()
                            + " matches its digest but cannot be read: " + message(unread));
                }
            } catch (IOException e) {
                throw PodException.unavailable("blob " + digest + " from " + ref.registry() + " for " + ref.repository()
                        + " broke off: " + message(e));
            }
            return;
        }
        throw PodException.unavailable("blob " + digest + " from " + ref.registry() + ": more than " + MAX_REDIRECTS + " redirects");
    }

    /** A stream that tells {@code progress} how many bytes have passed. */
    private static final class Counted extends java.io.FilterInputStream {
        private final String digest;
        private final BlobProgress progress;
        private long total;

        Counted(InputStream in, String digest, BlobProgress progress) {
            super(in);
            this.digest = digest;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.received(digest, ++total);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                total += n;
                progress.received(digest, total);
            }
            return n;
        }
    }

    /** Sends, answering a 401 challenge once (Basic, or a Bearer token for this repository) and sending again. */
    private ContentResponse send(Get get, boolean mayAuthenticate) {
        ContentResponse response = exchange(get);
        if (response.getStatus() == 401 && mayAuthenticate && authorization == null) {
            authorization = answer(response.getHeaders().get(HttpHeader.WWW_AUTHENTICATE));
            response = exchange(get);
        }
        return response;
    }

    private String answer(String challenge) {
        challenge = challenge == null ? "" : challenge;
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
            URI realmUri;
            try {
                realmUri = new URI(realm);
            } catch (java.net.URISyntaxException e) {
                throw PodException.unavailable(ref.registry() + " named a token realm that is not a URL: " + realm);
            }
            boolean loopback = realmUri.getHost() != null && RegistryProxy.loopback(realmUri.getHost());
            if (credentials.isPresent() && "http".equalsIgnoreCase(realmUri.getScheme()) && !insecure && !loopback) {
                // The credentials would cross the network in the clear.
                throw PodException.invalid(ref.registry() + " sends for its tokens to " + realm + ", plain HTTP: podshim will not"
                        + " send the credentials of " + credentials.get().source() + " there unless registries.conf marks "
                        + ref.registry() + " insecure");
            }
            String query = (params.containsKey("service") ? "service=" + enc(params.get("service")) + "&" : "")
                    + "scope=" + enc("repository:" + ref.repository() + ":pull");
            Map<String, String> headers = credentials.map(c -> Map.of("Authorization", basic(c))).orElse(Map.of());
            ContentResponse answer = exchange(new Get(URI.create(realm + (realm.contains("?") ? "&" : "?") + query), headers, false));
            expectOk(answer.getStatus(), "a token from " + realm);
            try {
                JsonNode json = JSON.readTree(answer.getContent());
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

    private Request request(Get get) {
        Request request = http.newRequest(get.uri()).method(HttpMethod.GET);
        request.headers(h -> {
            get.headers().forEach(h::put);
            if (get.withAuth() && authorization != null) {
                h.put(HttpHeader.AUTHORIZATION, authorization);
            }
        });
        return request;
    }

    /** One GET, its whole answer read. */
    private ContentResponse exchange(Get get) {
        return sent(get, g -> request(g).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).send());
    }

    /** An answer whose body is read as it comes. */
    private record Streamed(Response response, InputStream body) {}

    /** One GET whose body is read as it comes; returns once the headers are in. */
    private Streamed stream(Get get) {
        return sent(get, g -> {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            request(g).send(listener);
            return new Streamed(listener.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), listener.getInputStream());
        });
    }

    /** A way of sending a GET, as Jetty's client answers it. */
    @FunctionalInterface
    private interface Sending<T> {
        T send(Get get) throws InterruptedException, TimeoutException, ExecutionException;
    }

    /** {@code get} sent, its failure told as the user should read it (or, to an insecure registry without TLS, sent again in plain HTTP). */
    private <T> T sent(Get get, Sending<T> sending) {
        try {
            return sending.send(get);
        } catch (ExecutionException e) {
            Get plain = plainHttp(get, e.getCause());
            if (plain != null) {
                return sent(plain, sending);
            }
            throw failed(get, e.getCause());
        } catch (TimeoutException e) {
            throw failed(get, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PodException.unavailable("interrupted while talking to " + ref.registry());
        }
    }

    /**
     * An insecure registry may not speak TLS at all: after a TLS failure with it, plain HTTP from
     * now on (as the containers tools fall back). Null when that does not apply.
     */
    private Get plainHttp(Get get, Throwable failure) {
        if (!insecure || !tlsFailed(get, failure) || !get.uri().getScheme().equals("https")
                || !get.uri().getHost().equals(base.getHost())) {
            return null;
        }
        base = URI.create("http://" + ref.apiHost() + "/v2/");
        return get.at(URI.create("http" + get.uri().toString().substring("https".length())));
    }

    /**
     * Whether TLS itself failed: an SSLException, or, to an https URL, the connection closed before
     * any answer (a plain-HTTP server may answer a ClientHello with a 400 or just hang up: which
     * comes first is a race).
     */
    private static boolean tlsFailed(Get get, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return get.uri().getScheme().equals("https") && (cause instanceof org.eclipse.jetty.io.EofException
                || cause instanceof java.nio.channels.ClosedChannelException);
    }

    private PodException failed(Get get, Throwable cause) {
        String what = "GET " + get.uri() + " (" + ref.registry() + " for " + ref.repository() + "): ";
        if (tlsFailed(get, cause)) {
            return PodException.unavailable(what + "TLS: " + message(cause) + ": if " + ref.registry() + " has a CA of its own,"
                    + " put it in /etc/containers/certs.d/" + ref.registry() + "/ca.crt; if it speaks plain HTTP, mark it insecure"
                    + " in registries.conf");
        }
        return PodException.unavailable(what + message(cause));
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** A failed answer as the user should read it: status, registry, repository, what was asked, what to do. */
    private void expectOk(int status, String what) {
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

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing more to read from it
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

    /** Stops the HTTP client: its connections and threads end. */
    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            System.err.println("podshim: stop the HTTP client for " + ref.registry() + ": " + e);
        }
    }
}
