package dev.vmroutes.agents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.health.HealthSample;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.Probe;
import dev.vmroutes.swarm.ServiceSpecs;
import dev.vmroutes.swarm.SwarmViews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
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
 * The sweep over a Swarm's agents: each service's running tasks probed ({@code concurrency} at a
 * time) through their nodes' published port, one outcome per agent recorded; tasks that moved to
 * another node or failed since the agent's last check reported; records whose service is gone lost.
 */
public record SweepOfServices(int concurrency, Clock clock) {

    private static final Logger LOG = LoggerFactory.getLogger(SweepOfServices.class);
    private static final Set<String> GONE_STATUSES = Set.of("removed", "replaced", "failed", "lost", "cancelled", "unchanged", "stopped");
    private static final Set<String> FAILED = Set.of("failed", "rejected");

    Results.SweepSummary sweep(SwarmAgents agents, int abandoned) {
        long start = System.nanoTime();
        SwarmAgents.Cluster cluster = agents.read(true);
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        List<Probe> probes = Collections.synchronizedList(new ArrayList<>());
        List<HealthSample> checked = Collections.synchronizedList(new ArrayList<>());
        List<String> moved = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int unrecorded = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore inFlight = new Semaphore(concurrency);
            List<Future<?>> running = new ArrayList<>();
            for (JsonNode service : cluster.services()) {
                String name = service.path("Spec").path("Name").asText();
                seen.add(name);
                Map<String, String> labels = ServiceSpecs.labels(service);
                Deployment record = cluster.records().get(labels.get(Labels.DEPLOYMENT));
                if (record == null) {
                    unrecorded++;
                    LOG.warn("managed service {} has no deployment record", name);
                }
                List<JsonNode> tasks = cluster.tasksOf(service);
                Instant since = record != null && record.lastProbeAt() != null ? record.lastProbeAt() : time(service.path("CreatedAt"));
                changes(name, tasks, since, cluster.views(), moved, failed);
                running.add(pool.submit(() -> {
                    inFlight.acquireUninterruptibly();
                    try {
                        String outcome = check(agents, service, tasks, cluster.views());
                        outcomes.merge(outcome, 1, Integer::sum);
                        checked.add(new HealthSample(labels.get(Labels.AGENT), name, clock.instant(), "healthy".equals(outcome), null));
                        if (record != null) probes.add(new Probe(record.id(), outcome, SwarmViews.status(service, tasks), clock.instant()));
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (Exception e) {
                    outcomes.merge("error", 1, Integer::sum);
                    LOG.error("sweep task failed: {}", Redactor.describe(e));
                }
            }
        }
        agents.records().recordProbes(probes);
        try {
            agents.samples().record(checked);
        } catch (RuntimeException e) {
            LOG.warn("could not keep {} health samples: {}", checked.size(), Redactor.describe(e));
        }
        int lost = markLost(agents, cluster, seen);
        moved.forEach(m -> LOG.warn("task moved: {}", m));
        failed.forEach(f -> LOG.warn("task failed: {}", f));
        var summary = new Results.SweepSummary(cluster.services().size(), new TreeMap<>(outcomes), lost, unrecorded, abandoned,
                (System.nanoTime() - start) / 1_000_000, moved, failed);
        agents.metrics().sweep(summary, clock.instant());
        return summary;
    }

    /** healthy: every task asked for runs and answers; degraded: some do; unhealthy: none; not_running: none asked for. */
    private String check(SwarmAgents agents, JsonNode service, List<JsonNode> tasks, SwarmViews views) {
        Results.Replicas replicas = SwarmViews.replicas(service, tasks);
        if (replicas.desired() == 0) return "not_running";
        Integer port = ServiceSpecs.publishedPort(service);
        int answering = 0;
        for (JsonNode t : tasks) {
            String address = views.nodeAddress(t);
            if (!SwarmViews.running(t) || port == null || address == null) continue;
            Integer status = agents.probe(address, port, HealthRequest.DEFAULT_PATH).statusCode();
            if (status != null && status / 100 == 2) answering++;
        }
        if (answering == 0) return "unhealthy";
        return answering >= replicas.desired() ? "healthy" : "degraded";
    }

    /**
     * Tasks that failed since {@code since}, and running tasks started since then in a slot whose
     * earlier task of the same image was on another node: Swarm moved them (their node went down or left).
     */
    private static void changes(String service, List<JsonNode> tasks, Instant since, SwarmViews views, List<String> moved, List<String> failed) {
        for (JsonNode t : tasks) {
            String state = t.path("Status").path("State").asText();
            if (FAILED.contains(state) && time(t.path("Status").path("Timestamp")).isAfter(since)) {
                failed.add(service + ": task " + t.path("ID").asText() + " on " + views.task(t).node() + " " + state + ": "
                        + t.path("Status").path("Err").asText(""));
            }
            if (!SwarmViews.running(t) || !time(t.path("CreatedAt")).isAfter(since)) continue;
            String image = t.path("Spec").path("ContainerSpec").path("Image").asText();
            for (JsonNode earlier : tasks) {
                if (earlier != t && earlier.path("Slot").asInt() == t.path("Slot").asInt() && !SwarmViews.wantedRunning(earlier)
                        && !earlier.path("NodeID").asText().equals(t.path("NodeID").asText())
                        && image.equals(earlier.path("Spec").path("ContainerSpec").path("Image").asText())
                        && time(earlier.path("CreatedAt")).isBefore(time(t.path("CreatedAt")))) {
                    moved.add(service + ": task " + t.path("ID").asText() + " moved from " + views.task(earlier).node() + " to "
                            + views.task(t).node());
                    break;
                }
            }
        }
    }

    /** Records of agents whose service is gone are lost; a deploy under way is not gone yet. */
    private int markLost(SwarmAgents agents, SwarmAgents.Cluster cluster, Set<String> seen) {
        int lost = 0;
        for (Deployment d : cluster.records().values()) {
            if (d.containerName() == null || seen.contains(d.containerName()) || GONE_STATUSES.contains(d.status())
                    || Deployment.IN_PROGRESS.contains(d.status())) {
                continue;
            }
            if (agents.services().find(d.containerName()).isPresent()) continue;
            agents.records().change(d.id(), r -> GONE_STATUSES.contains(r.status()) ? r : r.withStatus("lost", clock.instant()));
            lost++;
        }
        return lost;
    }

    private static Instant time(JsonNode text) {
        try {
            return Instant.parse(text.asText());
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
