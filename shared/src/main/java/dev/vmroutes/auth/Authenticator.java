package dev.vmroutes.auth;

import dev.vmroutes.api.VmException;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Who a request comes from. On the local server: the bearer token ({@code VM_API_TOKEN}, a named
 * token of {@code VM_API_TOKENS_FILE}, or a JWT from {@code VM_JWT_ISSUER}); with none of them
 * configured the server listens on loopback only and every caller may do everything. On Lambda:
 * what API Gateway's authorizer vouched for (a JWT's claims, or an IAM principal).
 */
public final class Authenticator {

    /** What the gateway's authorizer put in the event: a JWT's claims and scopes, or an IAM principal's ARN. */
    public record GatewayIdentity(Map<String, String> jwtClaims, List<String> jwtScopes, String iamPrincipalArn) {
    }

    private final LocalTokens tokens;
    private final JwtVerifier jwt;
    private final String agentsClaim;
    private final IamPrincipals iamPrincipals;

    Authenticator(LocalTokens tokens, JwtVerifier jwt, String agentsClaim, IamPrincipals iamPrincipals) {
        this.tokens = tokens;
        this.jwt = jwt;
        this.agentsClaim = agentsClaim;
        this.iamPrincipals = iamPrincipals;
    }

    /** From {@code VM_API_TOKEN}, {@code VM_API_TOKENS_FILE}, {@code VM_JWT_*} and {@code VM_IAM_PRINCIPALS_SECRET}. */
    public static Authenticator fromEnvironment(Map<String, String> env, Function<String, String> secrets) {
        String file = blankToNull(env.get("VM_API_TOKENS_FILE"));
        String issuer = blankToNull(env.get("VM_JWT_ISSUER"));
        List<String> audiences = Arrays.stream(env.getOrDefault("VM_JWT_AUDIENCE", "").split(","))
                .map(String::strip).filter(a -> !a.isEmpty()).toList();
        String principals = blankToNull(env.get("VM_IAM_PRINCIPALS_SECRET"));
        return new Authenticator(LocalTokens.of(env.get("VM_API_TOKEN"), file == null ? null : Path.of(file)),
                issuer == null ? null : new JwtVerifier(issuer, audiences),
                env.getOrDefault("VM_JWT_AGENTS_CLAIM", "vm_agents"),
                principals == null ? null : new IamPrincipals(principals, secrets, Clock.systemUTC()));
    }

    /** The local server's caller, from its {@code Authorization} header; 401 when a credential is needed and this is none. */
    public Caller local(String authorization, String sourceIp, String requestId) {
        if (!tokens.any() && jwt == null) return Caller.unrestricted("local", sourceIp, requestId);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
            throw VmException.unauthorized("authorization: a bearer token is required");
        }
        String token = authorization.substring(7).strip();
        var known = tokens.caller(token, sourceIp, requestId);
        if (known.isPresent()) return known.get();
        if (jwt != null && token.chars().filter(c -> c == '.').count() == 2) {
            return TokenClaims.caller(jwt.verify(token), null, agentsClaim, sourceIp, requestId);
        }
        throw VmException.unauthorized("authorization: the token is not one this server knows");
    }

    /** The caller API Gateway's authorizer vouched for; 401 when the event carries none. */
    public Caller gateway(GatewayIdentity identity, String sourceIp, String requestId) {
        if (identity == null) throw VmException.unauthorized("authorization: the request carries no authorizer's identity");
        if (identity.jwtClaims() != null) {
            return TokenClaims.caller(identity.jwtClaims(), identity.jwtScopes(), agentsClaim, sourceIp, requestId);
        }
        if (identity.iamPrincipalArn() != null) {
            return iamPrincipals == null ? Caller.unrestricted(identity.iamPrincipalArn(), sourceIp, requestId)
                    : iamPrincipals.caller(identity.iamPrincipalArn(), sourceIp, requestId);
        }
        throw VmException.unauthorized("authorization: the request carries no authorizer's identity");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
