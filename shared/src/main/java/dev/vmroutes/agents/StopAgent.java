package dev.vmroutes.agents;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.StopRequest;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.store.DeploymentRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/** Stops a managed container, removes it unless asked not to, and records that. */
public record StopAgent(AgentContainers containers, DeploymentRecords records, Clock clock) {

    private static final Logger LOG = LoggerFactory.getLogger(StopAgent.class);

    public Results.Stopped stop(StopRequest request) {
        InspectContainerResponse container = containers.findManaged(request.containerName());
        containers.stop(container.getId(), request.remove());
        String status = request.remove() ? "removed" : "stopped";
        // The container names its deployment: a read by key, never the eventually consistent name index.
        String deploymentId = container.getConfig().getLabels().get(Labels.DEPLOYMENT);
        if (deploymentId != null) records.change(deploymentId, d -> d.withStatus(status, clock.instant()));
        LOG.info("stopped {} (removed: {})", request.containerName(), request.remove());
        return new Results.Stopped(request.containerName(), request.remove());
    }
}
