package dev.vmroutes.auth;

import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.RequestedBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Who is calling, what their credential allows and which agents they may see.
 *
 * @param principal     a JWT's subject (and client), an IAM principal's ARN, or a local token's name
 * @param agentPrefixes the agent names the caller may see and touch start with one of these; null: any agent
 *                      (an empty list allows none)
 */
public record Caller(String principal, Set<Scope> scopes, List<String> agentPrefixes, String sourceIp, String requestId) {

    /** Containers are named {@code jules-agent-<agent name>-<n>}. */
    private static final String CONTAINER_PREFIX = "jules-agent-";

    public Caller {
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
        agentPrefixes = agentPrefixes == null ? null : List.copyOf(agentPrefixes);
    }

    /** Every scope, every agent. */
    public static Caller unrestricted(String principal, String sourceIp, String requestId) {
        return new Caller(principal, EnumSet.allOf(Scope.class), null, sourceIp, requestId);
    }

    /** Who asked, as a deployment's record keeps it. */
    public RequestedBy requestedBy() {
        return new RequestedBy(principal, sourceIp, requestId);
    }

    /** As the caller-info route answers it: the scopes in their order of {@link Scope}, the agent prefixes when limited. */
    public Results.Identity identity() {
        return new Results.Identity(principal, scopes.stream().sorted().map(Scope::text).toList(), agentPrefixes);
    }

    /** 403 naming the scope, unless the caller has it. */
    public void require(Scope scope) {
        if (!scopes.contains(scope)) throw VmException.forbidden("this needs the scope " + scope.text());
    }

    /** 403 naming the field and the scope, unless the caller has it. */
    public void require(Scope scope, String field) {
        if (!scopes.contains(scope)) throw VmException.forbidden(field + ": needs the scope " + scope.text());
    }

    public boolean limited() {
        return agentPrefixes != null;
    }

    public boolean mayAccess(String agentName) {
        return !limited() || (agentName != null && agentPrefixes.stream().anyMatch(agentName::startsWith));
    }

    public boolean mayAccessContainer(String containerName) {
        return !limited() || (containerName != null && containerName.startsWith(CONTAINER_PREFIX)
                && mayAccess(containerName.substring(CONTAINER_PREFIX.length())));
    }

    /** An agent outside the caller's namespace is answered as one that does not exist. */
    public void requireAgent(String agentName) {
        if (!mayAccess(agentName)) throw VmException.notFound("agent " + agentName + " not found");
    }

    /** A deployment of an agent outside the caller's namespace is answered as one that does not exist. */
    public void requireDeployment(String deploymentId, String agentName) {
        if (!mayAccess(agentName)) throw VmException.notFound("deployment " + deploymentId + " not found");
    }

    public void requireContainer(String containerName) {
        if (!mayAccessContainer(containerName)) throw VmException.notFound("container " + containerName + " not found");
    }

    /** For what the caller would create: 403 naming the field, since nothing is hidden by refusing a new name. */
    public void requireOwnName(String field, String name) {
        if (!mayAccess(name)) {
            throw VmException.forbidden(field + ": " + (agentPrefixes.isEmpty() ? "this caller may use no agent names"
                    : "must start with one of " + String.join(", ", agentPrefixes)));
        }
    }
}
