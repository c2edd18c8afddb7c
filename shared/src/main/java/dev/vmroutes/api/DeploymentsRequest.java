package dev.vmroutes.api;

import java.util.regex.Pattern;

/** Which deployments to show: one by id, or an agent's newest first, at most {@code limit}. */
public final class DeploymentsRequest {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9-]{1,64}$");
    private static final Pattern AGENT_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$");

    private DeploymentsRequest() {
    }

    public static String deploymentId(String id) {
        if (id == null || !ID.matcher(id).matches()) throw VmException.invalid("deployment_id", "must be a deployment id");
        return id;
    }

    public static String agentName(String agent) {
        if (agent == null || agent.isEmpty()) throw VmException.invalid("agent_name", "is required");
        if (!AGENT_NAME.matcher(agent).matches()) throw VmException.invalid("agent_name", "must match " + AGENT_NAME.pattern());
        return agent;
    }

    public static long offset(String offset) {
        if (offset == null) return 0;
        try {
            long value = Long.parseLong(offset);
            if (value >= 0) return value;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw VmException.invalid("offset", "must be a whole number from 0");
    }

    public static int limit(String limit) {
        if (limit == null) return DEFAULT_LIMIT;
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_LIMIT) return value;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw VmException.invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
}
