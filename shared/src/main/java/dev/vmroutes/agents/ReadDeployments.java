package dev.vmroutes.agents;

import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.BuildLogs;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;

/** Deployments as their records tell them: one by id (read consistently), or an agent's newest first through its index. */
public record ReadDeployments(DeploymentRecords records, BuildLogs buildLogs) {

    /** What a queued deployment's {@code detail} says. */
    static final String WAITING = "waiting for a build slot: a worker takes it once one of the deploys building now ends";

    public Results.Deployment get(String deploymentId) {
        return records.get(deploymentId).map(ReadDeployments::view)
                .orElseThrow(() -> VmException.notFound("deployment " + deploymentId + " not found"));
    }

    public Results.Deployments history(String agentName, int limit) {
        return new Results.Deployments(records.ofAgent(agentName, limit).stream().map(ReadDeployments::view).toList());
    }

    /**
     * The build's output from {@code offset} on (from the oldest kept, when that is later), where
     * to ask next, and whether more can come.
     */
    public Results.BuildOutput log(String deploymentId, long offset) {
        Deployment d = records.get(deploymentId).orElseThrow(() -> VmException.notFound("deployment " + deploymentId + " not found"));
        StringBuilder text = new StringBuilder();
        long end = 0;
        for (BuildLogs.Chunk chunk : buildLogs.read(deploymentId)) {
            long chunkEnd = chunk.offset() + chunk.text().length();
            if (chunkEnd > offset) text.append(chunk.text(), (int) Math.max(0, offset - chunk.offset()), chunk.text().length());
            end = chunkEnd;
        }
        return new Results.BuildOutput(deploymentId, text.toString(), end,
                !Deployment.IN_PROGRESS.contains(d.status()));
    }

    public static Results.Deployment view(Deployment d) {
        return new Results.Deployment(d.id(), d.agentName(), d.status(),
                d.phases().stream().map(p -> new Results.PhaseTime(p.phase(), p.startedAt(), p.endedAt())).toList(),
                d.repoUrl(), d.branch(), d.commitSha(), d.image(), d.imageReused(), d.containerName(), d.containerId(),
                d.ports(), d.failurePhase(), "queued".equals(d.status()) ? WAITING : d.failureReason(), d.rollbackOf(), d.replacedBy(), d.readyAt(), d.createdAt(),
                d.updatedAt(), d.requestedBy() == null ? null
                        : new Results.RequestedBy(d.requestedBy().principal(), d.requestedBy().sourceIp(), d.requestedBy().requestId()));
    }
}
