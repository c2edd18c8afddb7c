package dev.vmroutes.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JWT's claims as a {@link Caller}, read as API Gateway reads them: scopes from {@code scope}
 * (space-separated) or {@code scp} (an array), the agent prefixes from a claim of its own (a token
 * without it is not limited), the principal from {@code sub} and the client. Claims come verified
 * by this server, or from the gateway's authorizer, which hands arrays over as text ({@code [a b]}).
 */
public final class TokenClaims {

    private TokenClaims() {
    }

    public static Caller caller(Map<String, ?> claims, Collection<String> gatewayScopes, String agentsClaim,
                                String sourceIp, String requestId) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String text : values(claims.get("scope"))) Scope.of(text).ifPresent(scopes::add);
        for (String text : values(claims.get("scp"))) Scope.of(text).ifPresent(scopes::add);
        if (gatewayScopes != null) for (String text : gatewayScopes) Scope.of(text).ifPresent(scopes::add);
        List<String> prefixes = claims.containsKey(agentsClaim) && claims.get(agentsClaim) != null
                ? values(claims.get(agentsClaim)).stream().filter(p -> !p.isEmpty()).toList() : null;
        return new Caller(principal(claims), scopes, prefixes, sourceIp, requestId);
    }

    /** {@code sub}, and the client it came through when that is another ({@code client_id}, {@code azp}). */
    static String principal(Map<String, ?> claims) {
        String subject = text(claims.get("sub"));
        String client = text(claims.get("client_id"));
        if (client == null) client = text(claims.get("azp"));
        if (subject == null) return client == null ? "jwt:unknown" : "jwt:" + client;
        return client == null || client.equals(subject) ? "jwt:" + subject : "jwt:" + subject + " (client " + client + ")";
    }

    /** An array, a space-separated string, or the gateway's {@code [a b]} / JSON text of an array. */
    static List<String> values(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim instanceof Collection<?> items) {
            for (Object item : items) if (item != null) out.add(item.toString().strip());
            return out;
        }
        String text = text(claim);
        if (text == null) return out;
        text = text.strip();
        if (text.startsWith("[") && text.endsWith("]")) text = text.substring(1, text.length() - 1);
        for (String part : text.split("[\\s,]+")) {
            String value = part.strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) value = value.substring(1, value.length() - 1);
            if (!value.isEmpty()) out.add(value);
        }
        return out;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
