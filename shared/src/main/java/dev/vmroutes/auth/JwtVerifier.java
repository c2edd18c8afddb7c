package dev.vmroutes.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.RemoteKeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.vmroutes.api.VmException;
import dev.vmroutes.config.ConfigException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies JWTs from one issuer: the signature against the issuer's keys (found through its
 * OpenID Connect discovery document, fetched on first use and cached), the issuer, the audience,
 * the expiry and not-before. Unsigned tokens ({@code alg: none}) and symmetric algorithms are refused.
 */
public final class JwtVerifier {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA);
    private static final int TIMEOUT_MILLIS = 3_000;
    private static final int SIZE_LIMIT = 256 * 1024;

    private final String issuer;
    private final Set<String> audiences;
    private final DefaultResourceRetriever retriever = new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS, SIZE_LIMIT);
    private volatile DefaultJWTProcessor<SecurityContext> processor;

    public JwtVerifier(String issuer, List<String> audiences) {
        checkAddress("VM_JWT_ISSUER", issuer);
        if (audiences.isEmpty()) throw new ConfigException("VM_JWT_AUDIENCE: is required with VM_JWT_ISSUER");
        this.issuer = issuer;
        this.audiences = Set.copyOf(audiences);
    }

    /** The verified claims; 401 naming what is wrong with the token, 503 when the issuer's keys cannot be read. */
    public Map<String, Object> verify(String token) {
        try {
            JWTClaimsSet claims = processor().process(token, null);
            return claims.toJSONObject();
        } catch (RemoteKeySourceException e) {
            throw VmException.unavailable("the JWT issuer", "its keys could not be read", null);
        } catch (BadJOSEException | com.nimbusds.jose.JOSEException | java.text.ParseException e) {
            throw VmException.unauthorized("authorization: the token was refused: " + reason(e));
        }
    }

    private DefaultJWTProcessor<SecurityContext> processor() {
        DefaultJWTProcessor<SecurityContext> ready = processor;
        if (ready != null) return ready;
        synchronized (this) {
            if (processor == null) processor = build(jwksUri());
            return processor;
        }
    }

    private DefaultJWTProcessor<SecurityContext> build(URL jwks) {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwks, retriever).retrying(true).build();
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(new HashSet<>(audiences),
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp"), null));
        return p;
    }

    /** The issuer's discovery document names its keys; both must be https, or http on loopback. */
    private URL jwksUri() {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        try {
            String body = retriever.retrieveResource(URI.create(base + "/.well-known/openid-configuration").toURL()).getContent();
            JsonNode document = new ObjectMapper().readTree(body);
            if (!issuer.equals(document.path("issuer").asText())) {
                throw VmException.unavailable("the JWT issuer", "its discovery document names another issuer", null);
            }
            String jwks = document.path("jwks_uri").asText("");
            checkAddress("jwks_uri", jwks);
            return URI.create(jwks).toURL();
        } catch (IOException | IllegalArgumentException | ConfigException e) {
            throw VmException.unavailable("the JWT issuer", "its discovery document could not be read (" + e.getClass().getSimpleName() + ")", null);
        }
    }

    private static void checkAddress(String name, String address) {
        URI uri;
        try {
            uri = URI.create(address);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + ": is not a URL");
        }
        if ("https".equals(uri.getScheme()) && uri.getHost() != null) return;
        if ("http".equals(uri.getScheme()) && uri.getHost() != null && loopback(uri.getHost())) return;
        throw new ConfigException(name + ": must be an https:// URL (http:// only on loopback)");
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** Nimbus's reasons name the check that failed (expired, audience, signature...), never the token's content. */
    private static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 200 ? message.substring(0, 200) : message;
    }
}
