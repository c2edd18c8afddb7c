package dev.vmroutes.agents;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.api.Results;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.PublishedPorts;
import dev.vmroutes.probe.HttpProbe;

/** A managed container's state, its HEALTHCHECK verdict, and one HTTP probe of its published port. */
public record CheckHealth(AgentContainers containers, HttpProbe probe) {

    public Results.Health check(HealthRequest request) {
        InspectContainerResponse container = containers.findManaged(request.containerName());
        var state = container.getState();
        String healthStatus = state.getHealth() == null || state.getHealth().getStatus() == null ? "none" : state.getHealth().getStatus();
        Results.Probe result;
        if (!Boolean.TRUE.equals(state.getRunning())) {
            result = new Results.Probe(null, null, "container is not running", null);
        } else {
            Integer hostPort = PublishedPorts.agentPort(container);
            result = hostPort == null
                    ? new Results.Probe(null, null, "no published port", null)
                    : probe(hostPort, request.path());
        }
        return new Results.Health(request.containerName(), state.getStatus(), healthStatus, result);
    }

    private Results.Probe probe(int hostPort, String path) {
        String address = containers.publishAddress();
        HttpProbe.ProbeResult r = probe.get(address, hostPort, path);
        String host = address.contains(":") ? "[" + address + "]" : address;
        return new Results.Probe(r.statusCode(), r.response(), r.error(), "http://" + host + ":" + hostPort + path);
    }
}
