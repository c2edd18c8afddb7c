package dev.vmroutes.agents;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.vmroutes.api.LogContext;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.StopRequest;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.AgentNetworks;
import dev.vmroutes.docker.AgentVolumes;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmroutes.metrics.Metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Stops a managed container, removes it unless asked not to, and records that. */
public record StopAgent(AgentContainers containers, AgentVolumes volumes, AgentNetworks networks, DeploymentRecords records,
                        Clock clock, Metrics metrics) implements AgentOperations.Stopper {

    private static final Logger LOG = LoggerFactory.getLogger(StopAgent.class);

    public Results.Stopped stop(StopRequest request) {
        InspectContainerResponse container = containers.findManaged(request.containerName());
        String agent = container.getConfig().getLabels().get(Labels.AGENT);
        Instant start = clock.instant();
        long startNanos = System.nanoTime();
        String status = request.remove() ? "removed" : "stopped";
        // The container names its deployment: a read by key, never the eventually consistent name index. The
        // record says so before the engine acts, so a deploy still waiting on this container learns that a stop ended it.
        String deploymentId = container.getConfig().getLabels().get(Labels.DEPLOYMENT);
        LogContext.about(deploymentId, agent);
        Deployment record = deploymentId == null ? null : records.get(deploymentId).orElse(null);
        String before = record == null ? null : record.status();
        if (record != null) records.change(record, d -> d.withStatus(status, clock.instant()));
        try {
            containers.stop(container.getId(), request.remove());
        } catch (RuntimeException e) {
            if (before != null) records.change(deploymentId, d -> d.withStatus(before, clock.instant()));
            throw e;
        }
        long stopMs = (System.nanoTime() - startNanos) / 1_000_000;
        List<String> volumesRemoved = null;
        if (request.remove()) {
            networks.removeIfUnused(container.getHostConfig().getNetworkMode());
            if (request.removeVolumes() && agent != null) volumesRemoved = volumes.removeAll(agent);
        }
        LOG.info("stopped {} (removed: {})", request.containerName(), request.remove());
        metrics.operation("stop", agent, status, List.of(new Results.Phase("stop", start, clock.instant(), stopMs)),
                (System.nanoTime() - startNanos) / 1_000_000, clock.instant());
        return new Results.Stopped(request.containerName(), request.remove(), volumesRemoved);
    }
}
