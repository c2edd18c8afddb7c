package dev.vmroutes.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.auth.Caller;
import dev.vmroutes.batch.Batches;
import dev.vmroutes.deploy.DeployJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
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
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    /** An outcome's text at most (a failed deploy's detail can run to thousands of characters; its record keeps it whole). */
    static final int OUTCOME_CAP = 1_000;

    /** What a change came to: what it was about (a deployment id, a container name) and its outcome. */
    public record Outcome(String target, String outcome) {
    }

    /** Makes the change and records what {@link #outcomeOf} makes of its result. */
    public <T> T change(Caller caller, String action, String agentName, Supplier<T> change) {
        return change(caller, action, agentName, change, Audit::outcomeOf);
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

    /** One entry per item of a batch, in its order: {@code agents} names each item's agent. */
    public void batch(Caller caller, String action, List<String> agents, List<Batches.Outcome> outcomes) {
        for (Batches.Outcome item : outcomes) {
            Outcome outcome = item.failure() == null ? outcomeOf(item.result())
                    : new Outcome(null, "failed: " + (item.failure() instanceof VmException e ? e.detail() : Redactor.describe(item.failure())));
            record(caller, action, agents.get(item.index()), outcome);
        }
    }

    /** What a change's result says of it: the deployment or container it was about, and its status. */
    public static Outcome outcomeOf(Object result) {
        return switch (result) {
            case DeployJobs.Accepted accepted -> new Outcome(accepted.deploymentId(), "accepted");
            case Results.Deployed deployed -> new Outcome(deployed.deploymentId(),
                    Boolean.TRUE.equals(deployed.unchanged()) ? "unchanged" : deployed.status());
            case Results.Deployment deployment -> new Outcome(deployment.deploymentId(), deployment.status());
            case Results.Stopped stopped -> new Outcome(stopped.stopped(), (stopped.removed() ? "removed" : "stopped")
                    + (stopped.volumesRemoved() == null || stopped.volumesRemoved().isEmpty() ? ""
                    : ", volumes removed: " + String.join(", ", stopped.volumesRemoved())));
            case JsonNode answer -> new Outcome(answer.path("deployment_id").asText(null),
                    answer.path("unchanged").asBoolean(false) ? "unchanged" : answer.path("status").asText(null));
            case String answer -> outcomeOf(parse(answer));
            case null, default -> new Outcome(null, "done");
        };
    }

    private static JsonNode parse(String answer) {
        try {
            return JSON.readTree(answer);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
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
