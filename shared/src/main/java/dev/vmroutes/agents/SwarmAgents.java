package dev.vmroutes.agents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.api.ContainerNames;
import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.api.LogContext;
import dev.vmroutes.api.LogsRequest;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.StopRequest;
import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.ContainerLogs;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.health.HealthSample;
import dev.vmroutes.health.HealthSamples;
import dev.vmroutes.metrics.Metrics;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.swarm.AgentServices;
import dev.vmroutes.swarm.ServiceSpecs;
import dev.vmroutes.swarm.SwarmViews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The agents' services on a Swarm: one entry per service with its tasks, where they run and how
 * many; stop scales to zero or removes; health and the sweep probe each running task through its
 * node's published port; logs merge the tasks' output with task and node per line.
 */
public record SwarmAgents(AgentServices services, ContainerLogs logs, DeploymentRecords records, HttpProbe probe,
                          HealthSamples samples, SweepOfServices sweeper, Clock clock, Metrics metrics)
        implements AgentOperations.Lister, AgentOperations.Stopper, AgentOperations.HealthChecker, AgentOperations.LogReader,
        AgentOperations.Sweeper, AgentOperations.StatsReader, AgentOperations.NodeLister {

    private static final Logger LOG = LoggerFactory.getLogger(SwarmAgents.class);

    /** Services, tasks, nodes and records, read at once. */
    record Cluster(List<JsonNode> services, List<JsonNode> tasks, SwarmViews views, Map<String, Deployment> records) {

        List<JsonNode> tasksOf(JsonNode service) {
            String id = service.path("ID").asText();
            return tasks.stream().filter(t -> id.equals(t.path("ServiceID").asText())).toList();
        }
    }

    Cluster read(boolean withRecords) {
        var services = CompletableFuture.supplyAsync(this.services::listManaged, Thread::startVirtualThread);
        var tasks = CompletableFuture.supplyAsync(this.services::tasks, Thread::startVirtualThread);
        var byId = CompletableFuture.supplyAsync(() -> {
            Map<String, Deployment> recordsById = new java.util.HashMap<>();
            if (withRecords) records.live().forEach(d -> recordsById.put(d.id(), d));
            return recordsById;
        }, Thread::startVirtualThread);
        var nodes = this.services.nodes();
        return new Cluster(join(services), join(tasks), new SwarmViews(nodes), join(byId));
    }

    @Override
    public List<Results.Listed> list() {
        Cluster cluster = read(true);
        List<Results.Listed> rows = new ArrayList<>();
        for (JsonNode s : cluster.services()) {
            Map<String, String> labels = ServiceSpecs.labels(s);
            List<JsonNode> tasks = cluster.tasksOf(s);
            Deployment d = cluster.records().get(labels.get(Labels.DEPLOYMENT));
            rows.add(new Results.Listed(s.path("ID").asText(), s.path("Spec").path("Name").asText(), SwarmViews.status(s, tasks),
                    s.path("CreatedAt").asText(null), ports(s), labels.get(Labels.AGENT), labels.get(Labels.DEPLOYMENT),
                    d == null ? null : d.commitSha(), d == null ? null : d.lastProbeOutcome(),
                    d == null || d.lastProbeAt() == null ? null : d.lastProbeAt().toString(),
                    d == null || d.settings() == null ? Map.of() : d.settings().volumes(), labels.get(Labels.NETWORK),
                    s.path("Spec").path("TaskTemplate").path("ContainerSpec").path("Image").asText(null),
                    SwarmViews.replicas(s, tasks), cluster.views().current(tasks),
                    cluster.views().addresses(services.specs().hostPublish(), tasks)));
        }
        rows.sort(Comparator.comparing(Results.Listed::containerName));
        return rows;
    }

    /** Scales the service to no tasks ({@code remove: false}) or removes it; the record says so first. */
    @Override
    public Results.Stopped stop(StopRequest request) {
        JsonNode service = services.findManaged(request.containerName());
        Map<String, String> labels = ServiceSpecs.labels(service);
        String deploymentId = labels.get(Labels.DEPLOYMENT);
        String agent = labels.get(Labels.AGENT);
        LogContext.about(deploymentId, agent);
        if (request.removeVolumes() && labels.containsKey(ServiceSpecs.VOLUME_NODE)) {
            throw VmException.conflict("the agent's volumes live on node " + labels.get(ServiceSpecs.VOLUME_NODE)
                    + ", which this API does not reach; remove them there with docker volume rm");
        }
        Instant start = clock.instant();
        long startNanos = System.nanoTime();
        String status = request.remove() ? "removed" : "stopped";
        Deployment record = deploymentId == null ? null : records.get(deploymentId).orElse(null);
        String before = record == null ? null : record.status();
        if (record != null) records.change(record, d -> d.withStatus(status, clock.instant()));
        try {
            if (request.remove()) services.remove(service.path("ID").asText());
            else services.scaleToZero(service);
        } catch (RuntimeException e) {
            if (before != null) records.change(deploymentId, d -> d.withStatus(before, clock.instant()));
            throw e;
        }
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        metrics.operation("stop", agent, status, List.of(new Results.Phase("stop", start, clock.instant(), ms)), ms, clock.instant());
        return new Results.Stopped(request.containerName(), request.remove(), request.removeVolumes() ? List.of() : null);
    }

    /** The tasks' states, and a probe of each running task through its node's published port. */
    @Override
    public Results.Health check(HealthRequest request) {
        JsonNode service = services.findManaged(request.containerName());
        List<JsonNode> tasks = services.tasksOf(service.path("ID").asText());
        SwarmViews views = new SwarmViews(services.nodes());
        Integer port = ServiceSpecs.publishedPort(service);
        List<Results.Task> checked = new ArrayList<>();
        for (JsonNode t : tasks) {
            if (!SwarmViews.wantedRunning(t)) continue;
            Results.Task task = views.task(t);
            checked.add(SwarmViews.running(t) && port != null && task.nodeAddress() != null
                    ? task.withProbe(probe(task.nodeAddress(), port, request.path())) : task);
        }
        Results.Replicas replicas = SwarmViews.replicas(service, tasks);
        long answering = checked.stream().filter(t -> t.httpProbe() != null && t.httpProbe().statusCode() != null
                && t.httpProbe().statusCode() / 100 == 2).count();
        String health = answering == 0 ? "unhealthy" : answering < replicas.desired() ? "degraded" : "healthy";
        Results.Probe first = checked.stream().map(Results.Task::httpProbe).filter(java.util.Objects::nonNull).findFirst()
                .orElse(new Results.Probe(null, null, replicas.running() == 0 ? "no task is running" : "no published port", null));
        String agent = ServiceSpecs.labels(service).get(Labels.AGENT);
        keep(agent, request.containerName(), answering > 0, first.statusCode());
        return new Results.Health(request.containerName(), SwarmViews.status(service, tasks), health, first, replicas, checked);
    }

    @Override
    public Results.Logs read(LogsRequest request) {
        JsonNode service = services.findManaged(request.containerName());
        String query = "stdout=1&stderr=1&timestamps=1&details=1&tail=" + request.tail()
                + (request.since() == null ? "" : "&since=" + request.since().getEpochSecond());
        // Each line's details make it longer than its text: room for them on top of the text's cap.
        byte[] output = services.engine().bytes("/services/" + service.path("ID").asText() + "/logs?" + query, 4 * LogsRequest.MAX_BYTES);
        ContainerLogs.Lines lines = logs.parse(output, request.since(), LogsRequest.MAX_BYTES);
        Map<String, String> hostnames = new java.util.HashMap<>();
        services.nodes().forEach(n -> hostnames.put(n.path("ID").asText(), SwarmViews.hostname(n)));
        List<Results.LogLine> named = lines.lines().stream().map(l -> new Results.LogLine(l.stream(), l.time(), l.text(), l.task(),
                l.node() == null ? null : hostnames.getOrDefault(l.node(), l.node()))).toList();
        return new Results.Logs(request.containerName(), named, lines.truncated());
    }

    @Override
    public Results.Stats read(String containerName) {
        ContainerNames.check(containerName);
        services.findManaged(containerName);
        throw VmException.conflict("resource figures are read per container, and on a Swarm an agent's containers run on "
                + "its tasks' nodes, which this API does not reach; see the tasks in GET /health");
    }

    @Override
    public Results.SweepSummary sweep(int abandoned) {
        return sweeper.sweep(this, abandoned);
    }

    /** Every node, with the agents' tasks Swarm wants running on it. */
    @Override
    public List<Results.Node> nodes() {
        Cluster cluster = read(false);
        Map<String, String> agentOf = new java.util.HashMap<>();
        cluster.services().forEach(s -> agentOf.put(s.path("ID").asText(), ServiceSpecs.labels(s).get(Labels.AGENT)));
        List<Results.Node> nodes = new ArrayList<>();
        for (JsonNode n : services.nodes()) {
            String id = n.path("ID").asText();
            List<Results.NodeTask> tasks = cluster.tasks().stream()
                    .filter(t -> id.equals(t.path("NodeID").asText()) && SwarmViews.wantedRunning(t))
                    .map(t -> new Results.NodeTask(t.path("ID").asText(), agentOf.get(t.path("ServiceID").asText()),
                            ServiceSpecs.serviceName(String.valueOf(agentOf.get(t.path("ServiceID").asText()))),
                            t.path("Status").path("State").asText()))
                    .toList();
            nodes.add(new Results.Node(id, SwarmViews.hostname(n), SwarmViews.address(n), n.path("Spec").path("Role").asText(),
                    n.path("Status").path("State").asText(), n.path("Spec").path("Availability").asText(),
                    n.path("ManagerStatus").path("Leader").asBoolean(false), tasks));
        }
        nodes.sort(Comparator.comparing(Results.Node::hostname));
        return nodes;
    }

    Results.Probe probe(String address, int port, String path) {
        HttpProbe.ProbeResult r = probe.get(address, port, path);
        return new Results.Probe(r.statusCode(), r.response(), r.error(), "http://" + address + ":" + port + path);
    }

    private static Map<String, Integer> ports(JsonNode service) {
        Integer published = ServiceSpecs.publishedPort(service);
        String port = ServiceSpecs.labels(service).get(Labels.PORT);
        return published == null || port == null ? Map.of() : Map.of(port + "/tcp", published);
    }

    /** A sample that cannot be kept costs the history one point, never the answer. */
    private void keep(String agentName, String serviceName, boolean up, Integer statusCode) {
        if (agentName == null) return;
        try {
            samples.record(List.of(new HealthSample(agentName, serviceName, clock.instant(), up, statusCode)));
        } catch (RuntimeException e) {
            LOG.warn("could not keep the health sample of {}: {}", serviceName, Redactor.describe(e));
        }
    }

    private static <T> T join(CompletableFuture<T> task) {
        try {
            return task.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw e;
        }
    }
}
