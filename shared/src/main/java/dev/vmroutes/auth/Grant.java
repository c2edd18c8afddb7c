package dev.vmroutes.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.config.ConfigException;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one credential of a configured list allows: its scopes, and the agent name prefixes it is
 * limited to (null: none).
 */
public record Grant(Set<Scope> scopes, List<String> agentPrefixes) {

    /** {@code {"scopes": ["vm:read", ...], "agents": ["team-a-", ...]}}; {@code where} names the entry in errors. */
    static Grant parse(JsonNode entry, String where) {
        JsonNode scopes = entry.get("scopes");
        if (scopes == null || !scopes.isArray()) throw new ConfigException(where + ".scopes: must be an array of scopes");
        Set<Scope> granted = EnumSet.noneOf(Scope.class);
        for (JsonNode scope : scopes) {
            granted.add(Scope.of(scope.asText()).orElseThrow(() -> new ConfigException(
                    where + ".scopes: " + scope.asText() + " is not one of vm:read, vm:deploy, vm:stop, vm:admin")));
        }
        JsonNode agents = entry.get("agents");
        List<String> prefixes = null;
        if (agents != null && !agents.isNull()) {
            if (!agents.isArray()) throw new ConfigException(where + ".agents: must be an array of agent name prefixes");
            prefixes = new ArrayList<>();
            for (JsonNode prefix : agents) {
                if (!prefix.isTextual() || prefix.textValue().isEmpty()) {
                    throw new ConfigException(where + ".agents: every prefix must be a non-empty string");
                }
                prefixes.add(prefix.textValue());
            }
        }
        return new Grant(granted, prefixes);
    }

    Caller caller(String principal, String sourceIp, String requestId) {
        return new Caller(principal, scopes, agentPrefixes, sourceIp, requestId);
    }
}
