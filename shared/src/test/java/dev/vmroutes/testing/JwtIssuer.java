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
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID Connect issuer on 127.0.0.1: its discovery document, its JWKS (one RSA key), and
 * tokens it signs with whatever claims a test asks for. A second key of the same id signs tokens
 * whose signature the issuer's JWKS does not verify. Its authorization endpoint approves every
 * request at once for the user {@value #USER} with the scopes asked for, and its token endpoint
 * trades such a code for a token once, only with the PKCE verifier of its S256 challenge
 * (RFC 7636); both answer any origin, as a public client's page calls them across origins.
 */
public final class JwtIssuer implements AutoCloseable {

    public static final String AUDIENCE = "vm-routes";
    public static final String USER = "user-1";

    /** What an authorization request asked for, until its code is traded. */
    private record Grant(String clientId, String redirectUri, String challenge, String scope) {
    }

    private final Map<String, Grant> codes = new java.util.concurrent.ConcurrentHashMap<>();

    private final HttpServer server;
    private final RSAKey key;
    private final RSAKey impostor;
    private final AtomicInteger keyReads = new AtomicInteger();

    public JwtIssuer() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("test-key").generate();
        impostor = new RSAKeyGenerator(2048).keyID("test-key").generate();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration", exchange -> answer(exchange, 200,
                "{\"issuer\": \"" + url() + "\", \"jwks_uri\": \"" + url() + "/jwks.json\", \"authorization_endpoint\": \""
                        + url() + "/authorize\", \"token_endpoint\": \"" + url() + "/token\"}"));
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/jwks.json", exchange -> {
            keyReads.incrementAndGet();
            answer(exchange, 200, new JWKSet(key.toPublicJWK()).toString());
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
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(url()).audience(AUDIENCE).subject(USER)
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

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        if (!"code".equals(query.get("response_type")) || !"S256".equals(query.get("code_challenge_method"))
                || query.get("code_challenge") == null || query.get("redirect_uri") == null || query.get("client_id") == null) {
            answer(exchange, 400, "{\"error\": \"invalid_request\"}");
            return;
        }
        String code = java.util.UUID.randomUUID().toString();
        codes.put(code, new Grant(query.get("client_id"), query.get("redirect_uri"), query.get("code_challenge"),
                query.getOrDefault("scope", "")));
        String back = query.get("redirect_uri") + "?code=" + code + "&state=" + URLEncoder.encode(query.getOrDefault("state", ""), StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Location", back);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Grant grant = body.get("code") == null ? null : codes.remove(body.get("code"));
        if (!"authorization_code".equals(body.get("grant_type")) || grant == null || body.get("code_verifier") == null
                || !grant.clientId().equals(body.get("client_id")) || !grant.redirectUri().equals(body.get("redirect_uri"))
                || !grant.challenge().equals(challenge(body.get("code_verifier")))) {
            answer(exchange, 400, "{\"error\": \"invalid_grant\"}");
            return;
        }
        String token = token(Map.of("scope", grant.scope(), "client_id", grant.clientId()));
        answer(exchange, 200, "{\"access_token\": \"" + token + "\", \"token_type\": \"Bearer\", \"expires_in\": 300}");
    }

    /** The S256 challenge of a PKCE verifier: BASE64URL(SHA-256(verifier)), without padding. */
    public static String challenge(String verifier) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> fields = new java.util.HashMap<>();
        if (encoded == null || encoded.isEmpty()) return fields;
        for (String pair : encoded.split("&")) {
            int at = pair.indexOf('=');
            if (at > 0) fields.put(URLDecoder.decode(pair.substring(0, at), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(at + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
