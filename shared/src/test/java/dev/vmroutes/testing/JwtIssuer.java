package dev.vmroutes.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID Connect issuer on 127.0.0.1: its discovery document, its JWKS (one RSA key), and
 * tokens it signs with whatever claims a test asks for. A second key of the same id signs tokens
 * whose signature the issuer's JWKS does not verify.
 */
public final class JwtIssuer implements AutoCloseable {

    public static final String AUDIENCE = "vm-routes";

    private final HttpServer server;
    private final RSAKey key;
    private final RSAKey impostor;
    private final AtomicInteger keyReads = new AtomicInteger();

    public JwtIssuer() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("test-key").generate();
        impostor = new RSAKeyGenerator(2048).keyID("test-key").generate();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration", exchange -> answer(exchange,
                "{\"issuer\": \"" + url() + "\", \"jwks_uri\": \"" + url() + "/jwks.json\"}"));
        server.createContext("/jwks.json", exchange -> {
            keyReads.incrementAndGet();
            answer(exchange, new JWKSet(key.toPublicJWK()).toString());
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int keyReads() {
        return keyReads.get();
    }

    /** A token valid for five minutes, for the audience, from this issuer, with these claims besides. */
    public String token(Map<String, Object> claims) {
        return sign(key, base(claims).build());
    }

    public String token(Map<String, Object> claims, java.util.function.UnaryOperator<JWTClaimsSet.Builder> change) {
        return sign(key, change.apply(base(claims)).build());
    }

    /** Signed by a key the issuer does not publish. */
    public String forged(Map<String, Object> claims) {
        return sign(impostor, base(claims).build());
    }

    /** {@code alg: none}: no signature at all. */
    public String unsigned(Map<String, Object> claims) {
        return new com.nimbusds.jwt.PlainJWT(base(claims).build()).serialize();
    }

    private JWTClaimsSet.Builder base(Map<String, Object> claims) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(url()).audience(AUDIENCE).subject("user-1")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        claims.forEach(builder::claim);
        return builder;
    }

    private static String sign(RSAKey with, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
