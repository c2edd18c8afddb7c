package dev.vmroutes.agents;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.vmroutes.api.Results;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.ContainerStats;

import java.time.Clock;

/** One sample of a managed container's CPU, memory and processes; a container that is not running has none to give. */
public record ReadStats(AgentContainers containers, ContainerStats stats, Clock clock) implements AgentOperations.StatsReader {

    public Results.Stats read(String containerName) {
        InspectContainerResponse container = containers.findManaged(containerName);
        String status = container.getState().getStatus();
        if (!Boolean.TRUE.equals(container.getState().getRunning())) {
            return new Results.Stats(containerName, status, clock.instant(), null, null, null, null);
        }
        ContainerStats.Sample sample = stats.read(container.getId());
        return new Results.Stats(containerName, status, clock.instant(), sample.cpuPercent(), sample.memoryBytes(),
                sample.memoryLimitBytes(), sample.pids());
    }
}
