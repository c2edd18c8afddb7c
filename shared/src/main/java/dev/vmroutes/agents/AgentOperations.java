package dev.vmroutes.agents;

import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.AgentVolumes;
import dev.vmroutes.docker.ContainerLogs;
import dev.vmroutes.metrics.Metrics;
import dev.vmroutes.docker.ContainerStats;
import dev.vmroutes.health.HealthSamples;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.BuildLogs;
import dev.vmroutes.store.DeploymentRecords;

import java.time.Clock;
import java.time.Duration;

/** List, stop, health (and its history), logs, stats and the sweep, built over the same containers, records and probe. */
public record AgentOperations(ListAgents list, StopAgent stop, CheckHealth health, ReadLogs logs, HealthSweep sweep,
                              ReadDeployments deployments, ReadStats stats,
                              ReadHealthHistory healthHistory) {

    public static AgentOperations create(AgentContainers containers, ContainerLogs logs, DeploymentRecords records,
                                         BuildLogs buildLogs, HttpProbe probe, HealthSamples samples,
                                         int sweepConcurrency, Duration buildTimeout, Clock clock, Metrics metrics) {
        ManagedAgents managed = new ManagedAgents(containers, records);
        return new AgentOperations(
                new ListAgents(managed),
                new StopAgent(containers, new AgentVolumes(containers.docker()), containers.networks(), records,
                        clock, metrics),
                new CheckHealth(containers, probe, samples, clock),
                new ReadLogs(containers, logs),
                new HealthSweep(managed, records, probe, containers.publishAddress(), sweepConcurrency, buildTimeout, clock, metrics, samples),
                new ReadDeployments(records, buildLogs),
                new ReadStats(containers, new ContainerStats(containers.docker(), Duration.ofSeconds(10)), clock),
                new ReadHealthHistory(samples, clock));
    }
}
