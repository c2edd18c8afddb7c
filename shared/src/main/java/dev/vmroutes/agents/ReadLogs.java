package dev.vmroutes.agents;

import dev.vmroutes.api.LogsRequest;
import dev.vmroutes.api.Results;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.ContainerLogs;

/** A managed container's output, running or exited: the crash case is what it is for. */
public record ReadLogs(AgentContainers containers, ContainerLogs logs) implements AgentOperations.LogReader {

    public Results.Logs read(LogsRequest request) {
        var container = containers.findManaged(request.containerName());
        ContainerLogs.Lines lines = logs.read(container.getId(), request.tail(), request.since(), LogsRequest.MAX_BYTES);
        return new Results.Logs(request.containerName(), lines.lines(), lines.truncated());
    }
}
