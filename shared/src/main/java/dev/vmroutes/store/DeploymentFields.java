package dev.vmroutes.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A mutable copy of a {@link Deployment}, so each of its changes names only the fields it changes. */
final class DeploymentFields {
    String id, agentName, containerName, containerId, repoUrl, branch, commitSha, image, status, failurePhase,
            failureReason, rollbackOf, replacedBy, lastProbeOutcome;
    Map<String, Integer> ports;
    Deployment.RunSettings settings;
    Instant readyAt, createdAt, updatedAt, lastProbeAt;
    Boolean imageKept, imageReused;
    String answerKind, answerBody, request;
    Instant deadlineAt;
    RequestedBy requestedBy;
    List<Deployment.PhaseTime> phases;
    long version;

    DeploymentFields(Deployment d) {
        id = d.id(); agentName = d.agentName(); containerName = d.containerName(); containerId = d.containerId();
        repoUrl = d.repoUrl(); branch = d.branch(); commitSha = d.commitSha(); image = d.image(); status = d.status();
        failurePhase = d.failurePhase(); failureReason = d.failureReason(); ports = d.ports(); settings = d.settings();
        rollbackOf = d.rollbackOf(); readyAt = d.readyAt(); imageKept = d.imageKept(); replacedBy = d.replacedBy();
        createdAt = d.createdAt(); updatedAt = d.updatedAt(); lastProbeOutcome = d.lastProbeOutcome();
        lastProbeAt = d.lastProbeAt(); phases = d.phases(); imageReused = d.imageReused();
        answerKind = d.answerKind(); answerBody = d.answerBody(); deadlineAt = d.deadlineAt(); request = d.request();
        requestedBy = d.requestedBy();
        version = d.version();
    }

    Deployment build() {
        return new Deployment(id, agentName, containerName, containerId, repoUrl, branch, commitSha, image, status,
                failurePhase, failureReason, ports, settings, rollbackOf, readyAt, imageKept, replacedBy,
                createdAt, updatedAt, lastProbeOutcome, lastProbeAt, phases, imageReused, answerKind, answerBody, deadlineAt, request,
                requestedBy, version);
    }
}
