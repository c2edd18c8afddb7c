package dev.vmroutes.agents;

import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;

/** Deployments as their records tell them: one by id (read consistently), or an agent's newest first through its index. */
public record ReadDeployments(DeploymentRecords records) {

    public Results.Deployment get(String deploymentId) {
        return records.get(deploymentId).map(ReadDeployments::view)
                .orElseThrow(() -> VmException.notFound("deployment " + deploymentId + " not found"));
    }

    public Results.Deployments history(String agentName, int limit) {
        return new Results.Deployments(records.ofAgent(agentName).stream().limit(limit).map(ReadDeployments::view).toList());
    }

    static Results.Deployment view(Deployment d) {
        return new Results.Deployment(d.id(), d.agentName(), d.status(),
                d.phases().stream().map(p -> new Results.PhaseTime(p.phase(), p.startedAt(), p.endedAt())).toList(),
                d.repoUrl(), d.branch(), d.commitSha(), d.image(), d.imageReused(), d.containerName(), d.containerId(),
                d.ports(), d.failurePhase(), d.failureReason(), d.rollbackOf(), d.replacedBy(), d.readyAt(), d.createdAt(),
                d.updatedAt());
    }
}
