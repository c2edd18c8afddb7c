package dev.vmroutes.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the operations return: the bodies the API answers with, in the spec's snake_case. */
public final class Results {

    private Results() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Deployed(
            @JsonProperty("container_id") String containerId,
            @JsonProperty("container_name") String containerName,
            String status,
            Map<String, Integer> ports,
            @JsonProperty("deployment_id") String deploymentId,
            @JsonProperty("commit_sha") String commitSha,
            String image,
            @JsonProperty("image_reused") boolean imageReused,
            @JsonProperty("exit_code") Long exitCode,
            List<Phase> phases) {
    }

    /** One timed step of a deploy. */
    public record Phase(
            String phase,
            @JsonProperty("started_at") Instant startedAt,
            @JsonProperty("ended_at") Instant endedAt,
            @JsonProperty("duration_ms") long durationMs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listed(
            @JsonProperty("container_id") String containerId,
            @JsonProperty("container_name") String containerName,
            String status,
            String created,
            Map<String, Integer> ports,
            @JsonProperty("agent_name") String agentName,
            @JsonProperty("deployment_id") String deploymentId,
            @JsonProperty("commit_sha") String commitSha,
            @JsonProperty("last_probe_outcome") String lastProbeOutcome,
            @JsonProperty("last_probe_at") String lastProbeAt) {
    }

    public record Stopped(String stopped, boolean removed) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Health(
            @JsonProperty("container_name") String containerName,
            @JsonProperty("container_status") String containerStatus,
            @JsonProperty("health_status") String healthStatus,
            @JsonProperty("http_probe") Probe httpProbe) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Probe(
            @JsonProperty("status_code") Integer statusCode,
            Object response,
            String error,
            String url) {
    }

    public record SweepSummary(
            int checked,
            Map<String, Integer> outcomes,
            int lost,
            int unrecorded,
            @JsonProperty("duration_ms") long durationMs) {
    }
}
