package dev.vmroutes.agents;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.docker.PublishedPorts;
import dev.vmroutes.health.HealthSample;
import dev.vmroutes.health.HealthSamples;
import dev.vmroutes.probe.HttpProbe;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * A managed container's state, its HEALTHCHECK verdict, and one HTTP probe of its published port;
 * each check is kept as a health sample of its agent.
 */
public record CheckHealth(AgentContainers containers, HttpProbe probe, HealthSamples samples, Clock clock) implements AgentOperations.HealthChecker {

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
        boolean up = Boolean.TRUE.equals(state.getRunning()) && !"unhealthy".equals(healthStatus) && result.statusCode() != null
                && result.statusCode() / 100 == 2;
        keep(container.getConfig().getLabels().get(Labels.AGENT), request.containerName(), up, result.statusCode());
        return new Results.Health(request.containerName(), state.getStatus(), healthStatus, result);
    }

    /** A sample that cannot be kept costs the history one point, never the answer. */
    private void keep(String agentName, String containerName, boolean up, Integer statusCode) {
        if (agentName == null) return;
        try {
            samples.record(List.of(new HealthSample(agentName, containerName, clock.instant(), up, statusCode)));
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(CheckHealth.class).warn("could not keep the health sample of {}: {}", containerName, Redactor.describe(e));
        }
    }

    private Results.Probe probe(int hostPort, String path) {
        String address = containers.publishAddress();
        HttpProbe.ProbeResult r = probe.get(address, hostPort, path);
        String host = address.contains(":") ? "[" + address + "]" : address;
        return new Results.Probe(r.statusCode(), r.response(), r.error(), "http://" + host + ":" + hostPort + path);
    }
}
