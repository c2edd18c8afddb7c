package dev.vmroutes.store;

import java.time.Instant;
import java.util.Map;

/**
 * What the store knows of one deployment. Text fields are redacted before they get here.
 *
 * @param version       bumped on every write; updates are conditional on the version read
 * @param status        building, running, exited, created, failed, stopped, removed, lost...
 * @param failurePhase  clone, build or start when the deploy failed
 */
public record Deployment(
        String id,
        String agentName,
        String containerName,
        String containerId,
        String repoUrl,
        String branch,
        String commitSha,
        String image,
        String status,
        String failurePhase,
        String failureReason,
        Map<String, Integer> ports,
        Instant createdAt,
        Instant updatedAt,
        String lastProbeOutcome,
        Instant lastProbeAt,
        long version) {

    public Deployment {
        ports = ports == null ? Map.of() : Map.copyOf(ports);
    }

    public static Deployment building(String id, String agentName, String containerName, String repoUrl,
                                      String branch, Instant now) {
        return new Deployment(id, agentName, containerName, null, repoUrl, branch, null, null,
                "building", null, null, Map.of(), now, now, null, null, 0);
    }

    public Deployment withStatus(String newStatus, Instant now) {
        return new Deployment(id, agentName, containerName, containerId, repoUrl, branch, commitSha, image,
                newStatus, failurePhase, failureReason, ports, createdAt, now, lastProbeOutcome, lastProbeAt, version);
    }

    public Deployment running(String newContainerId, String newCommit, String newImage, String newStatus,
                              Map<String, Integer> newPorts, Instant now) {
        return new Deployment(id, agentName, containerName, newContainerId, repoUrl, branch, newCommit, newImage,
                newStatus, null, null, newPorts, createdAt, now, lastProbeOutcome, lastProbeAt, version);
    }

    public Deployment failed(String phase, String reason, String newCommit, Instant now) {
        return new Deployment(id, agentName, containerName, null, repoUrl, branch, newCommit, image,
                "failed", phase, reason, Map.of(), createdAt, now, lastProbeOutcome, lastProbeAt, version);
    }

    /** This record as read with its latest probe (kept apart from the record, see {@link DeploymentStore#recordProbes}). */
    public Deployment withProbe(Probe probe) {
        return new Deployment(id, agentName, containerName, containerId, repoUrl, branch, commitSha, image,
                status, failurePhase, failureReason, ports, createdAt, updatedAt, probe.outcome(), probe.at(), version);
    }

    Deployment withVersion(long newVersion) {
        return new Deployment(id, agentName, containerName, containerId, repoUrl, branch, commitSha, image,
                status, failurePhase, failureReason, ports, createdAt, updatedAt, lastProbeOutcome, lastProbeAt, newVersion);
    }
}
