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
 * The TLS trust for one registry, where podman and docker look: the JDK's trust store, plus the CA
 * certificates ({@code *.crt}) in {@code /etc/containers/certs.d/HOST[:PORT]/} or
 * {@code /etc/docker/certs.d/HOST[:PORT]/}.
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
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw PodException.invalid("the registry CAs in " + certDir + ": " + e.getMessage());
        }
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
