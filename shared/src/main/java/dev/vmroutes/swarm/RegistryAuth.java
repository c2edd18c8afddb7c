package dev.vmroutes.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.model.AuthConfig;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The registry's credentials, sent with every push, service create and service update so that
 * every node can pull the agent's image. They come from a secret (JSON with {@code username} and
 * {@code password}), from ECR (a token for the function's role, renewed before it expires), or
 * are absent for a registry without login. They are never logged and never written anywhere.
 */
public final class RegistryAuth {

    /** ECR tokens last 12 hours; one is renewed this long before it ends. */
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(10);

    /** A username and password for one registry. */
    public record Credentials(String username, String password, String serverAddress) {
        @Override
        public String toString() {
            return "Credentials[" + serverAddress + ", " + username + "]";
        }
    }

    private final Supplier<Credentials> fetch;
    private final Function<Credentials, Instant> expiry;
    private final Clock clock;
    private Credentials current;
    private Instant expires = Instant.MIN;

    private RegistryAuth(Supplier<Credentials> fetch, Function<Credentials, Instant> expiry, Clock clock) {
        this.fetch = fetch;
        this.expiry = expiry;
        this.clock = clock;
    }

    /** A registry every node may pull from without login. */
    public static RegistryAuth none() {
        return new RegistryAuth(() -> null, c -> Instant.MAX, Clock.systemUTC());
    }

    /**
     * From {@code source}: {@code ecr}, a secret's name (read through {@code secrets} on first use), or
     * for a local run the secret's JSON itself; null: no login.
     */
    public static RegistryAuth of(String source, String registry, Function<String, String> secrets, Supplier<EcrClient> ecr) {
        String server = registry.substring(0, registry.indexOf('/'));
        if (source == null) return none();
        if ("ecr".equals(source)) return ecr(ecr, Clock.systemUTC());
        return new RegistryAuth(() -> parse(source.strip().startsWith("{") ? source : secrets.apply(source), server),
                c -> Instant.MAX, Clock.systemUTC());
    }

    /** Tokens from ECR's {@code GetAuthorizationToken}, for the registry of the function's account. */
    static RegistryAuth ecr(Supplier<EcrClient> ecr, Clock clock) {
        Instant[] until = new Instant[1];
        return new RegistryAuth(() -> {
            AuthorizationData data = ecr.get().getAuthorizationToken(r -> { }).authorizationData().get(0);
            String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            until[0] = data.expiresAt();
            return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1),
                    data.proxyEndpoint().replaceFirst("^https://", ""));
        }, c -> until[0] == null ? Instant.MAX : until[0], clock);
    }

    static Credentials parse(String json, String server) {
        try {
            JsonNode node = SwarmEngine.JSON.readTree(json);
            if (node == null || !node.hasNonNull("username") || !node.hasNonNull("password")) {
                throw new IllegalStateException("the registry's credentials need username and password");
            }
            return new Credentials(node.get("username").asText(), node.get("password").asText(), server);
        } catch (IOException e) {
            throw new IllegalStateException("the registry's credentials are not JSON");
        }
    }

    /** The credentials now, renewed when they are about to end; null without login. */
    public synchronized Credentials credentials() {
        if (expires == Instant.MIN || clock.instant().isAfter(expires.minus(RENEW_BEFORE))) {
            current = fetch.get();
            expires = current == null ? Instant.MAX : expiry.apply(current);
        }
        return current;
    }

    /** The {@code X-Registry-Auth} header's value; null without login. */
    public String header() {
        Credentials c = credentials();
        if (c == null) return null;
        ObjectNode auth = SwarmEngine.JSON.createObjectNode().put("username", c.username()).put("password", c.password())
                .put("serveraddress", c.serverAddress());
        return Base64.getUrlEncoder().encodeToString(auth.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** For a push through docker-java; null without login. */
    public AuthConfig authConfig() {
        Credentials c = credentials();
        return c == null ? null : new AuthConfig().withUsername(c.username()).withPassword(c.password())
                .withRegistryAddress(c.serverAddress());
    }
}
