package dev.vmroutes.audit;

import java.time.Instant;

/**
 * One change and who made it.
 *
 * @param action      deploy, rollback, stop, cancel, batch_deploy, batch_stop
 * @param target      the deployment id or container name the change was about, when there is one
 * @param outcome     what came of it: accepted, unchanged, running, stopped, removed, cancelled, or failed with why
 * @param principal   who: a JWT's subject and client, an IAM principal's ARN, or a local token's name
 */
public record AuditEntry(String id, Instant at, String action, String agentName, String target, String outcome,
                         String principal, String sourceIp, String requestId) {
}
