package io.podshim.runtime.image.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token endpoint of the test's own, as distribution's token auth expects one: on
 * {@code GET /token?service=…&scope=repository:NAME:ACTIONS} with the right Basic credentials it
 * answers a JWT (RS256, its certificate in {@code x5c}) granting those actions; with none or wrong
 * ones, 401. Plain HTTP on 127.0.0.1: the registry's realm may be any URL.
 */
final class TokenServer implements AutoCloseable {
    static final String SERVICE = "podshim-test-registry";
    static final String ISSUER = "podshim-test-issuer";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final AtomicInteger issued = new AtomicInteger();

    private TokenServer(HttpServer server) {
        this.server = server;
    }

    static TokenServer start(Path keyPem, Path certPem, String user, String password) throws IOException {
        PrivateKey key;
        String x5c;
        try (InputStream in = Files.newInputStream(certPem)) {
            String pem = Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            x5c = Base64.getEncoder().encodeToString(cert.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IOException("the token key: " + e, e);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        TokenServer tokens = new TokenServer(server);
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server.createContext("/token", exchange -> tokens.answer(exchange, expected, key, x5c));
        server.start();
        return tokens;
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    int issued() {
        return issued.get();
    }

    private void answer(HttpExchange exchange, String expected, PrivateKey key, String x5c) throws IOException {
        try (exchange) {
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            Map<String, String> query = new LinkedHashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            for (String pair : raw == null ? new String[0] : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.merge(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "",
                        (a, b) -> a + " " + b);
            }
            ObjectNode claims = JSON.createObjectNode().put("iss", ISSUER).put("sub", "lab").put("aud", SERVICE)
                    .put("jti", UUID.randomUUID().toString());
            long now = Instant.now().getEpochSecond();
            claims.put("iat", now).put("nbf", now - 10).put("exp", now + 300);
            ArrayNode access = claims.putArray("access");
            for (String scope : query.getOrDefault("scope", "").split(" ")) {
                String[] parts = scope.split(":");
                if (parts.length == 3) {
                    ObjectNode grant = access.addObject().put("type", parts[0]).put("name", parts[1]);
                    for (String action : parts[2].split(",")) {
                        grant.withArray("actions").add(action);
                    }
                }
            }
            ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
            header.putArray("x5c").add(x5c);
            String signed = URL.encodeToString(JSON.writeValueAsBytes(header)) + "." + URL.encodeToString(JSON.writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            String jwt = signed + "." + URL.encodeToString(rsa.sign());
            byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("token", jwt).put("expires_in", 300));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            issued.incrementAndGet();
        } catch (GeneralSecurityException e) {
            throw new IOException("sign a token: " + e, e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
