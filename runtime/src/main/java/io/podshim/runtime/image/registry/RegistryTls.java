package io.podshim.runtime.image.registry;

import io.podshim.runtime.PodException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS settings for one registry, where podman and docker look: the JDK's trust store, plus the
 * CA certificates ({@code *.crt}) in {@code /etc/containers/certs.d/HOST[:PORT]/} or
 * {@code /etc/docker/certs.d/HOST[:PORT]/}; and a client certificate, {@code NAME.cert} with its
 * key {@code NAME.key} (PEM, PKCS#8 or PKCS#1 RSA), for a registry that asks for one.
 */
final class RegistryTls {
    private RegistryTls() {}

    /** The certs.d directory for {@code registry} that exists, or null. */
    static Path certsDir(String registry) {
        for (Path base : List.of(Path.of("/etc/containers/certs.d"), Path.of("/etc/docker/certs.d"))) {
            Path dir = base.resolve(registry);
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        return null;
    }

    static SSLContext context(Path certDir) {
        try {
            X509TrustManager jdk = trustManager(null);
            List<X509Certificate> extra = certDir == null ? List.of() : certificates(certDir);
            X509TrustManager trust = jdk;
            if (!extra.isEmpty()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < extra.size(); i++) {
                    store.setCertificateEntry("ca-" + i, extra.get(i));
                }
                trust = either(trustManager(store), jdk);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(certDir == null ? null : clientKeys(certDir), new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw PodException.invalid("the registry TLS files in " + certDir + ": " + e.getMessage());
        }
    }

    /** The client certificates of {@code dir}: each {@code NAME.cert} with {@code NAME.key}; none, null. */
    private static javax.net.ssl.KeyManager[] clientKeys(Path dir) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        java.security.cert.CertificateFactory factory = java.security.cert.CertificateFactory.getInstance("X.509");
        int found = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.cert")) {
            for (Path cert : files) {
                String base = cert.getFileName().toString();
                Path keyFile = cert.resolveSibling(base.substring(0, base.length() - ".cert".length()) + ".key");
                if (!Files.isRegularFile(keyFile)) {
                    throw PodException.invalid(cert + " has no key beside it: put its key in " + keyFile);
                }
                List<java.security.cert.Certificate> chain = new ArrayList<>();
                try (InputStream in = Files.newInputStream(cert)) {
                    chain.addAll(factory.generateCertificates(in));
                }
                keys.setKeyEntry("client-" + found++, privateKey(keyFile), new char[0],
                        chain.toArray(java.security.cert.Certificate[]::new));
            }
        }
        if (found == 0) {
            return null;
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        return kmf.getKeyManagers();
    }

    /** A PEM private key: PKCS#8 ({@code PRIVATE KEY}, RSA or EC) or PKCS#1 ({@code RSA PRIVATE KEY}, wrapped into PKCS#8). */
    static java.security.PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----").matcher(pem);
        if (!m.find()) {
            throw PodException.invalid(file + " is not a PEM private key");
        }
        String kind = m.group(1);
        byte[] der = java.util.Base64.getMimeDecoder().decode(m.group(2).trim());
        if (kind.equals("RSA PRIVATE KEY")) {
            der = pkcs8OfRsa(der);
        } else if (!kind.equals("PRIVATE KEY")) {
            throw PodException.invalid(file + " holds a " + kind + ", which podshim does not read: convert it to PKCS#8"
                    + " (openssl pkcs8 -topk8 -nocrypt -in " + file + ")");
        }
        java.security.spec.PKCS8EncodedKeySpec spec = new java.security.spec.PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return java.security.KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException notThisOne) {
                // the next algorithm
            }
        }
        throw PodException.invalid(file + ": a private key of an algorithm podshim does not know (RSA, EC and Ed25519 it does)");
    }

    /** PKCS#8 around a PKCS#1 RSA key: SEQUENCE { 0, SEQUENCE { rsaEncryption, NULL }, OCTET STRING { key } }. */
    private static byte[] pkcs8OfRsa(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n} : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }

    private static List<X509Certificate> certificates(Path dir) throws IOException, CertificateException {
        List<X509Certificate> certs = new ArrayList<>();
        java.security.cert.CertificateFactory factory = java.security.cert.CertificateFactory.getInstance("X.509");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.crt")) {
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (var cert : factory.generateCertificates(in)) {
                        certs.add((X509Certificate) cert);
                    }
                }
            }
        }
        return certs;
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Trusts what the registry's own CAs trust, else what the JDK trusts. */
    private static X509TrustManager either(X509TrustManager own, X509TrustManager jdk) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                jdk.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    own.checkServerTrusted(chain, authType);
                } catch (CertificateException notOurs) {
                    jdk.checkServerTrusted(chain, authType);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                List<X509Certificate> all = new ArrayList<>(List.of(own.getAcceptedIssuers()));
                all.addAll(List.of(jdk.getAcceptedIssuers()));
                return all.toArray(X509Certificate[]::new);
            }
        };
    }
}
