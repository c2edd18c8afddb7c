package dev.vmroutes.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the operations return: the bodies the API answers with, in the spec's snake_case. */
public final class Results {

    private Results() {
    }

    /**
     * @param ready     whether the agent passed the readiness gate (its health check answered)
     * @param replaced  the agent's containers this one replaced, stopped and removed once it was ready
     * @param unchanged true when the same commit and settings were running and healthy, and were left as they were
     * @param rollbackOf for a rollback, the deployment whose image runs again
     * @param notReadyBecause when not ready, why (it exited, it never answered on its port in time, its HEALTHCHECK failed)
     * @param replicas  on a Swarm: the tasks asked for and running
     * @param tasks     on a Swarm: the agent's tasks and where they run
     * @param addresses on a Swarm: the node addresses where the agent answers on its published port
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Deployed(String containerId, String containerName, String status, Map<String, Integer> ports,
            String deploymentId, String commitSha, String image, boolean imageReused, Long exitCode,
            List<Phase> phases, boolean ready, List<String> replaced, Boolean unchanged, String rollbackOf,
            String notReadyBecause, Replicas replicas, List<Task> tasks, List<String> addresses) {

        public Deployed(String containerId, String containerName, String status, Map<String, Integer> ports,
                        String deploymentId, String commitSha, String image, boolean imageReused, Long exitCode,
                        List<Phase> phases, boolean ready, List<String> replaced, Boolean unchanged, String rollbackOf,
                        String notReadyBecause) {
            this(containerId, containerName, status, ports, deploymentId, commitSha, image, imageReused, exitCode, phases, ready,
                    replaced, unchanged, rollbackOf, notReadyBecause, null, null, null);
        }
    }

    /** How many tasks of a Swarm service are asked for, and how many run. */
    public record Replicas(int desired, int running) {
    }

    /**
     * One task of an agent's service: the node it is on, its state, its container there; with a
     * health check, the probe of its published port on that node.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Task(String taskId, String node, String nodeAddress, String state, String containerId, String error,
            Probe httpProbe) {

        public Task withProbe(Probe probe) {
            return new Task(taskId, node, nodeAddress, state, containerId, error, probe);
        }
    }

    /** A Swarm node, as {@code GET /nodes} shows it, with the agents' tasks it runs. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Node(String nodeId, String hostname, String address, String role, String state, String availability,
            boolean leader, List<NodeTask> tasks) {
    }

    /** An agent's task on a node. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NodeTask(String taskId, String agentName, String serviceName, String state) {
    }

    /** A container's output, newest line last; {@code truncated} when older lines were dropped to stay within the size cap. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Logs(String containerName, List<LogLine> lines, boolean truncated) {
    }

    /** One line of output; on a Swarm, with the task and the node that wrote it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LogLine(String stream, Instant time, String text, String task, String node) {

        public LogLine(String stream, Instant time, String text) {
            this(stream, time, text, null, null);
        }
    }

    /** One timed step of a deploy. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Phase(String phase, Instant startedAt, Instant endedAt, long durationMs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listed(String containerId, String containerName, String status, String created, Map<String, Integer> ports,
            String agentName, String deploymentId, String commitSha, String lastProbeOutcome, String lastProbeAt,
            Map<String, String> volumes, String network, String image, Replicas replicas, List<Task> tasks, List<String> addresses) {

        public Listed(String containerId, String containerName, String status, String created, Map<String, Integer> ports,
                      String agentName, String deploymentId, String commitSha, String lastProbeOutcome, String lastProbeAt,
                      Map<String, String> volumes, String network, String image) {
            this(containerId, containerName, status, created, ports, agentName, deploymentId, commitSha, lastProbeOutcome, lastProbeAt,
                    volumes, network, image, null, null, null);
        }
    }

    /** @param volumesRemoved with {@code remove_volumes}: the agent's volumes deleted */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Stopped(String stopped, boolean removed, List<String> volumesRemoved) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Health(String containerName, String containerStatus, String healthStatus, Probe httpProbe,
            Replicas replicas, List<Task> tasks) {

        public Health(String containerName, String containerStatus, String healthStatus, Probe httpProbe) {
            this(containerName, containerStatus, healthStatus, httpProbe, null, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Probe(Integer statusCode, Object response, String error, String url) {
    }

    /**
     * One sample of a running container's resource use; the figures are absent when it is not running.
     *
     * @param cpuPercent 100 is one core fully busy, as {@code docker stats} shows it
     * @param memoryBytes in use, without the reclaimable page cache
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Stats(String containerName, String containerStatus, Instant at, Double cpuPercent, Long memoryBytes,
            Long memoryLimitBytes, Long pids) {
    }

    /**
     * An agent's health over a time, oldest band first: each band a run of checks with the same outcome.
     *
     * @param samples how many checks the bands were merged from
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record HealthHistory(String agentName, Instant from, Instant to, int samples, List<HealthBand> bands) {
    }

    /**
     * Checks with one outcome ({@code up} or {@code down}) from {@code from} until {@code to}: the next
     * check's time when it followed soon enough to say so, else the band's last check.
     *
     * @param statusCode the HTTP status of the band's last check, absent when it had no answer
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record HealthBand(String outcome, Instant from, Instant to, int samples, Integer statusCode) {
    }

    /**
     * What a sweep found: containers checked and their outcomes, records lost, containers without a
     * record, and deployments it ended as abandoned; on a Swarm, agents' tasks that moved to another
     * node or failed since the agent's last check.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SweepSummary(int checked, Map<String, Integer> outcomes, int lost, int unrecorded, int abandoned,
            long durationMs, List<String> tasksMoved, List<String> tasksFailed) {

        public SweepSummary(int checked, Map<String, Integer> outcomes, int lost, int unrecorded, int abandoned, long durationMs) {
            this(checked, outcomes, lost, unrecorded, abandoned, durationMs, null, null);
        }
    }

    /** A deployment as its record tells it: under way (its phase), or how it ended. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Deployment(String deploymentId, String agentName, String status, List<PhaseTime> phases, String repoUrl,
            String branch, String commitSha, String image, Boolean imageReused, String containerName, String containerId,
            Map<String, Integer> ports, String failurePhase, String detail, String rollbackOf, String replacedBy,
            Instant readyAt, Instant createdAt, Instant updatedAt, RequestedBy requestedBy) {
    }

    /** Who asked for a deployment, from where, in which request. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RequestedBy(String principal, String sourceIp, String requestId) {
    }

    /** A phase of a deployment; {@code ended_at} is absent while it is under way. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PhaseTime(String phase, Instant startedAt, Instant endedAt) {
    }

    /** An agent's deployments, newest first. */
    public record Deployments(List<Deployment> deployments) {
    }

    /** A build's output from an offset: {@code next_offset} is where to ask from next; {@code complete} once no more can come. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record BuildOutput(String deploymentId, String log, long nextOffset, boolean complete) {
    }

    /** Changes and who made them, newest first. */
    public record AuditEntries(List<AuditEntry> entries) {
    }

    /**
     * One change: {@code action} (deploy, rollback, stop, cancel, batch_deploy, batch_stop) on an agent's {@code target}
     * (a deployment id or container name), its {@code outcome}, and who asked: {@code principal}, {@code source_ip}, {@code request_id}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AuditEntry(String id, Instant at, String action, String agentName, String target, String outcome,
            String principal, String sourceIp, String requestId) {
    }

    /** The caller as the server sees it: {@code agents} (the agent name prefixes it may use) only when it is limited. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Identity(String principal, List<String> scopes, List<String> agents) {
    }
}
