package dev.vmroutes.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Which audit entries to show, newest first: of one agent or of all, none older than {@code since},
 * at most {@code limit}.
 *
 * @param agentName null: every agent the caller may see
 * @param since     null: as far back as entries are kept
 */
public record AuditRequest(String agentName, Instant since, int limit) {

    public static AuditRequest parse(String agentName, String since, String limit) {
        if (agentName != null && agentName.isEmpty()) throw VmException.invalid("agent_name", "is empty: leave it out for every agent");
        String agent = agentName == null ? null : DeploymentsRequest.agentName(agentName);
        Instant from = null;
        if (since != null) {
            try {
                from = OffsetDateTime.parse(since).toInstant();
            } catch (DateTimeParseException e) {
                throw VmException.invalid("since", "must be an ISO-8601 time such as 2025-10-01T10:30:00Z");
            }
        }
        return new AuditRequest(agent, from, DeploymentsRequest.limit(limit));
    }
}
