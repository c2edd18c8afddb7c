package dev.vmroutes.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.List;

/**
 * The client side of mutual TLS with the engine: the CA that signed the engine's certificate,
 * our certificate and its private key, as PEM text held in memory.
 */
public record TlsMaterial(String caPem, String certPem, String keyPem) {

    private static final char[] STORE_PASSWORD = "in-memory".toCharArray();

    public TlsMaterial {
        requirePem("ca", caPem);
        requirePem("cert", certPem);
        requirePem("key", keyPem);
    }

    /** The docker CLI layout: {@code ca.pem}, {@code cert.pem}, {@code key.pem} in one directory. */
    public static TlsMaterial fromDirectory(Path dir) {
        try {
            return new TlsMaterial(
                    Files.readString(dir.resolve("ca.pem")),
                    Files.readString(dir.resolve("cert.pem")),
                    Files.readString(dir.resolve("key.pem")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TLS material from " + dir, e);
        }
    }

    /** A Secrets Manager secret string: {@code {"ca": "...", "cert": "...", "key": "..."}}. */
    public static TlsMaterial fromSecretJson(String json) {
        try {
            JsonNode node = new ObjectMapper().readTree(json);
            return new TlsMaterial(node.path("ca").asText(null), node.path("cert").asText(null), node.path("key").asText(null));
        } catch (IOException e) {
            throw new IllegalArgumentException("the TLS secret is not JSON with ca, cert and key");
        }
    }

    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(certPem, keyPem), trustManagers(caPem), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("unusable TLS material: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Key managers presenting {@code certPem} (a chain) with its private key. */
    public static KeyManager[] keyManagers(String certPem, String keyPem) throws GeneralSecurityException, IOException {
        List<Certificate> chain = certificates(certPem);
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setKeyEntry("key", PemKeys.privateKey(keyPem), STORE_PASSWORD, chain.toArray(Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, STORE_PASSWORD);
        return keys.getKeyManagers();
    }

    /** Trust managers that trust exactly the certificates in {@code caPem}. */
    public static TrustManager[] trustManagers(String caPem) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate ca : certificates(caPem)) store.setCertificateEntry("ca-" + i++, ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return trust.getTrustManagers();
    }

    private static List<Certificate> certificates(String pem) throws CertificateException {
        var parsed = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        if (parsed.isEmpty()) throw new CertificateException("no certificate in PEM");
        return List.copyOf(parsed);
    }

    private static void requirePem(String name, String pem) {
        if (pem == null || !pem.contains("-----BEGIN ")) {
            throw new IllegalArgumentException("TLS " + name + " is missing or not PEM");
        }
    }

    @Override
    public String toString() {
        return "TlsMaterial[key redacted]";
    }
}
