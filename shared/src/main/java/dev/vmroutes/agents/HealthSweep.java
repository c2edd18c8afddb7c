package dev.vmroutes.agents;

import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.metrics.Metrics;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.health.HealthSample;
import dev.vmroutes.health.HealthSamples;
import dev.vmroutes.docker.PublishedPorts;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.store.Probe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Probes every managed container ({@code concurrency} at a time), records every outcome in one
 * batched write, keeps each as a health sample of its agent, marks records whose container vanished as lost, counts containers with no
 * record, and writes the counts as one CloudWatch Embedded Metric Format line.
 */
public record HealthSweep(ManagedAgents managed, DeploymentRecords records, HttpProbe probe, String publishAddress,
                          int concurrency, Duration buildTimeout, Clock clock, Metrics metrics, HealthSamples samples) implements AgentOperations.Sweeper {

    private static final Logger LOG = LoggerFactory.getLogger(HealthSweep.class);
    /** Deployments with no container of their own to look for: it is gone, or there never was one. */
    private static final Set<String> GONE_STATUSES = Set.of("removed", "replaced", "failed", "lost", "cancelled", "unchanged");

    /** @param abandoned how many deployments under way were ended as abandoned before this sweep (see the deploy jobs) */
    @Override
    public Results.SweepSummary sweep(int abandoned) {
        long start = System.nanoTime();
        ManagedAgents.Snapshot snapshot = managed.read();
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        Set<String> seen = new HashSet<>();
        List<Probe> probes = new ArrayList<>();
        List<HealthSample> checked = java.util.Collections.synchronizedList(new ArrayList<>());
        int unrecorded = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore inFlight = new Semaphore(concurrency);
            List<Future<Probe>> tasks = new ArrayList<>();
            for (Container c : snapshot.containers()) {
                String name = AgentContainers.name(c);
                seen.add(name);
                Deployment record = snapshot.records().get(name);
                if (record == null) {
                    unrecorded++;
                    LOG.warn("managed container {} has no deployment record", name);
                }
                tasks.add(pool.submit(() -> {
                    inFlight.acquireUninterruptibly();
                    try {
                        Checked check = outcome(c);
                        String outcome = check.outcome();
                        outcomes.merge(outcome, 1, Integer::sum);
                        String agent = c.getLabels() == null ? null : c.getLabels().get(Labels.AGENT);
                        if (agent != null) {
                            checked.add(new HealthSample(agent, name, clock.instant(), "healthy".equals(outcome), check.statusCode()));
                        }
                        return record == null ? null : new Probe(record.id(), outcome, c.getState(), clock.instant());
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<Probe> task : tasks) {
                try {
                    Probe result = task.get();
                    if (result != null) probes.add(result);
                } catch (Exception e) {
                    outcomes.merge("error", 1, Integer::sum);
                    LOG.error("sweep task failed: {}", Redactor.describe(e));
                }
            }
        }
        records.recordProbes(probes);
        keep(checked);
        int lost = markLost(snapshot.records().values(), seen);
        long durationMs = (System.nanoTime() - start) / 1_000_000;
        var summary = new Results.SweepSummary(snapshot.containers().size(), new TreeMap<>(outcomes), lost, unrecorded, abandoned,
                durationMs);
        metrics.sweep(summary, clock.instant());
        return summary;
    }

    /** Records whose container is gone are lost; a build still within its time is not gone yet. */
    private int markLost(Iterable<Deployment> recorded, Set<String> seen) {
        int lost = 0;
        Instant staleBefore = clock.instant().minus(buildTimeout.multipliedBy(2));
        for (Deployment d : recorded) {
            if (seen.contains(d.containerName()) || GONE_STATUSES.contains(d.status())) continue;
            if (Deployment.IN_PROGRESS.contains(d.status()) && !d.createdAt().isBefore(staleBefore)) continue;
            // A deploy may have landed between the two reads: look again before calling it lost.
            // A deploy still queued long past its time has no container name yet: its worker never came.
            if (d.containerName() != null && managed.containers().exists(d.containerName())) continue;
            records.change(d.id(), r -> GONE_STATUSES.contains(r.status()) ? r : r.withStatus("lost", clock.instant()));
            lost++;
        }
        return lost;
    }

    /** A sample that cannot be kept costs the history its points, never the sweep. */
    private void keep(List<HealthSample> checked) {
        try {
            samples.record(checked);
        } catch (RuntimeException e) {
            LOG.warn("could not keep {} health samples: {}", checked.size(), Redactor.describe(e));
        }
    }

    private record Checked(String outcome, Integer statusCode) {
    }

    private Checked outcome(Container c) {
        if (!"running".equals(c.getState())) return new Checked("not_running", null);
        String status = c.getStatus() == null ? "" : c.getStatus();
        String dockerHealth = status.contains("(unhealthy)") ? "unhealthy"
                : status.contains("(health: starting)") ? "starting"
                : status.contains("(healthy)") ? "healthy" : "none";
        Integer hostPort = PublishedPorts.agentPort(c);
        if (hostPort == null) return new Checked("unhealthy", null);
        HttpProbe.ProbeResult r = probe.get(publishAddress, hostPort, HealthRequest.DEFAULT_PATH);
        if (r.ok() && !"unhealthy".equals(dockerHealth)) return new Checked("healthy", r.statusCode());
        // Still in its start period and not answering yet; an HTTP answer, even an error, is a verdict.
        if (r.statusCode() == null && "starting".equals(dockerHealth)) return new Checked("starting", null);
        return new Checked("unhealthy", r.statusCode());
    }
}
