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

import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.api.LogsRequest;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.StopRequest;

import java.time.Clock;
import java.util.List;
import java.time.Duration;

/**
 * List, stop, health (and its history), logs, stats, nodes and the sweep, built over the same
 * records and probe: of containers on one engine, or of services on a Swarm.
 */
public record AgentOperations(Lister list, Stopper stop, HealthChecker health, LogReader logs, Sweeper sweep,
                              ReadDeployments deployments, StatsReader stats,
                              ReadHealthHistory healthHistory, NodeLister nodes) {

    public interface Lister {
        List<Results.Listed> list();
    }

    public interface Stopper {
        Results.Stopped stop(StopRequest request);
    }

    public interface HealthChecker {
        Results.Health check(HealthRequest request);
    }

    public interface LogReader {
        Results.Logs read(LogsRequest request);
    }

    public interface Sweeper {
        /** @param abandoned how many deployments under way were ended as abandoned before this sweep */
        Results.SweepSummary sweep(int abandoned);

        default Results.SweepSummary sweep() {
            return sweep(0);
        }
    }

    public interface StatsReader {
        Results.Stats read(String containerName);
    }

    public interface NodeLister {
        List<Results.Node> nodes();
    }

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
                new ReadHealthHistory(samples, clock),
                new EngineNodes(containers));
    }

    /** The same operations over the agents' services on a Swarm. */
    public static AgentOperations onSwarm(SwarmAgents swarm, DeploymentRecords records, BuildLogs buildLogs, HealthSamples samples,
                                          Clock clock) {
        return new AgentOperations(swarm, swarm, swarm, swarm, swarm, new ReadDeployments(records, buildLogs), swarm,
                new ReadHealthHistory(samples, clock), swarm);
    }
}
