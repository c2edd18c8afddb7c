package dev.vmroutes.agents;

import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.DeploymentRecords;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/** List, stop, health and the sweep, built over the same containers, records and probe. */
public record AgentOperations(ListAgents list, StopAgent stop, CheckHealth health, HealthSweep sweep) {

    public static AgentOperations create(AgentContainers containers, DeploymentRecords records, HttpProbe probe,
                                         int sweepConcurrency, Duration buildTimeout, Clock clock, Consumer<String> metrics) {
        ManagedAgents managed = new ManagedAgents(containers, records);
        return new AgentOperations(
                new ListAgents(managed),
                new StopAgent(containers, records, clock),
                new CheckHealth(containers, probe),
                new HealthSweep(managed, records, probe, containers.publishAddress(), sweepConcurrency, buildTimeout, clock, metrics));
    }
}
