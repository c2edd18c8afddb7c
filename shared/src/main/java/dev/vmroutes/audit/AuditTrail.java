package dev.vmroutes.audit;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/** Who did what: entries kept as long as the deployment records are. */
public interface AuditTrail {

    void record(AuditEntry entry);

    /**
     * Newest first, at most {@code limit}: of one agent (or all when {@code agentName} is null),
     * none older than {@code since} (when given), only those whose agent {@code visible} accepts.
     */
    List<AuditEntry> list(String agentName, Instant since, int limit, Predicate<String> visible);
}
