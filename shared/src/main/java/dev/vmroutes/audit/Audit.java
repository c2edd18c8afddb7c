package dev.vmroutes.audit;

import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import dev.vmroutes.auth.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Makes a change and records it with its caller in the audit trail: what came of it, or why it
 * failed. The entry is written after the change; a trail that cannot be written is logged, with the
 * entry, and does not undo or fail a change already made.
 */
public record Audit(AuditTrail trail, Clock clock) {

    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
    /** An outcome's text at most (a failed deploy's detail can run to thousands of characters; its record keeps it whole). */
    static final int OUTCOME_CAP = 1_000;

    /** What a change came to: what it was about (a deployment id, a container name) and its outcome. */
    public record Outcome(String target, String outcome) {
    }

    public <T> T change(Caller caller, String action, String agentName, Supplier<T> change, Function<T, Outcome> describe) {
        T result;
        try {
            result = change.get();
        } catch (VmException e) {
            record(caller, action, agentName, new Outcome(null, "failed: " + e.detail()));
            throw e;
        } catch (RuntimeException e) {
            record(caller, action, agentName, new Outcome(null, "failed: " + Redactor.describe(e)));
            throw e;
        }
        record(caller, action, agentName, describe.apply(result));
        return result;
    }

    public void record(Caller caller, String action, String agentName, Outcome outcome) {
        String text = outcome.outcome();
        if (text != null && text.length() > OUTCOME_CAP) text = text.substring(0, OUTCOME_CAP) + "...";
        AuditEntry entry = new AuditEntry(UUID.randomUUID().toString(), clock.instant(), action, agentName, outcome.target(),
                text, caller.principal(), caller.sourceIp(), caller.requestId());
        try {
            trail.record(entry);
        } catch (RuntimeException e) {
            LOG.error("the audit trail could not record {}: {}", entry, Redactor.describe(e));
        }
    }
}
