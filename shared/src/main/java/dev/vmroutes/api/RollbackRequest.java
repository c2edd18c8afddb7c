package dev.vmroutes.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated rollback request.
 *
 * @param deploymentId the deployment to run again; null for the last one that worked before the current one
 * @param environment  the container's environment; null to take that of the container it replaces
 */
public record RollbackRequest(String agentName, String deploymentId, Map<String, String> environment, boolean replace) {

    private static final Set<String> FIELDS = Set.of("agent_name", "deployment_id", "environment", "replace");
    private static final Pattern DEPLOYMENT_ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    public static RollbackRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) throw VmException.invalid("body", "must be a JSON object");
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) throw VmException.invalid(DeployRequestParser.safeName(field), "unknown field");
        }
        String agentName = DeployRequestParser.requiredString(body, "agent_name");
        if (!DeployRequestParser.AGENT_NAME.matcher(agentName).matches()) {
            throw VmException.invalid("agent_name", "must match " + DeployRequestParser.AGENT_NAME.pattern());
        }
        String deploymentId = DeployRequestParser.optionalString(body, "deployment_id", null);
        if (deploymentId != null && !DEPLOYMENT_ID.matcher(deploymentId).matches()) {
            throw VmException.invalid("deployment_id", "must be a deployment id as deploy answers it");
        }
        Map<String, String> environment = body.hasNonNull("environment") ? DeployRequestParser.environment(body) : null;
        return new RollbackRequest(agentName, deploymentId, environment, DeployRequestParser.flag(body, "replace", true));
    }

    /** Leaves environment values out: they may be the agent's credentials. */
    @Override
    public String toString() {
        return "RollbackRequest[agent=" + agentName + ", deployment=" + deploymentId + "]";
    }
}
