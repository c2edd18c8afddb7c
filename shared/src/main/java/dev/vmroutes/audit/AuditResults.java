package dev.vmroutes.audit;

import dev.vmroutes.api.Results;

import java.util.List;

/** Audit entries as the API answers them. */
public final class AuditResults {

    private AuditResults() {
    }

    public static Results.AuditEntries of(List<AuditEntry> entries) {
        return new Results.AuditEntries(entries.stream().map(e -> new Results.AuditEntry(e.id(), e.at(), e.action(), e.agentName(),
                e.target(), e.outcome(), e.principal(), e.sourceIp(), e.requestId())).toList());
    }
}
