package dev.vmroutes.store;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Deployment records and probes as DynamoDB items: snake_case attributes, times as sortable text.
 * Three attributes exist only for the table's sparse indexes and its expiry: {@code live} while the
 * deployment has a container (list and the sweep read those), {@code in_progress} with
 * {@code deadline_at} while it is under way (the sweep ends the abandoned ones), and
 * {@code expires_at} (epoch seconds, the table's TTL) once nothing needs the record any more.
 */
final class DeploymentItems {

    static final String PROBE_SUFFIX = "#probe";
    static final String LIVE = "live";
    static final String IN_PROGRESS = "in_progress";
    static final String DEADLINE_AT = "deadline_at";
    static final String EXPIRES_AT = "expires_at";
    /** The one value of the sparse indexes' partition keys. */
    static final String YES = "1";
    // Always nine fractional digits, so times sort as text (the agent index's range key).
    private static final DateTimeFormatter SORTABLE = new DateTimeFormatterBuilder().appendInstant(9).toFormatter();

    private DeploymentItems() {
    }

    static Map<String, AttributeValue> probeItem(Probe p, java.time.Duration retention) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(EXPIRES_AT, number(p.at().plus(retention).getEpochSecond()));
        item.put("id", AttributeValue.fromS(p.deploymentId() + PROBE_SUFFIX));
        item.put("probe_of", AttributeValue.fromS(p.deploymentId()));
        putString(item, "outcome", p.outcome());
        putString(item, "container_state", p.containerState());
        putInstant(item, "probed_at", p.at());
        return item;
    }

    static Probe probeFromItem(Map<String, AttributeValue> item) {
        return new Probe(string(item, "probe_of"), string(item, "outcome"), string(item, "container_state"), instant(item, "probed_at"));
    }

    /** @param retention how long a record nothing needs any more is kept after its last change */
    static Map<String, AttributeValue> toItem(Deployment d, java.time.Duration retention) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", AttributeValue.fromS(d.id()));
        if (d.live()) item.put(LIVE, AttributeValue.fromS(YES));
        if (d.inProgress()) {
            if (d.deadlineAt() != null) {
                item.put(IN_PROGRESS, AttributeValue.fromS(YES));
                putInstant(item, DEADLINE_AT, d.deadlineAt());
            }
        } else if (!d.live() && !Boolean.TRUE.equals(d.imageKept())) {
            // Rollback and retention still need a record whose image is kept; list and the sweep a live one.
            item.put(EXPIRES_AT, number((d.updatedAt() == null ? Instant.now() : d.updatedAt()).plus(retention).getEpochSecond()));
        }
        putString(item, "request", d.request());
        putString(item, "agent_name", d.agentName());
        putString(item, "container_name", d.containerName());
        putString(item, "container_id", d.containerId());
        putString(item, "repo_url", d.repoUrl());
        putString(item, "branch", d.branch());
        putString(item, "commit_sha", d.commitSha());
        putString(item, "image", d.image());
        putString(item, "status", d.status());
        putString(item, "failure_phase", d.failurePhase());
        putString(item, "failure_reason", d.failureReason());
        Map<String, AttributeValue> ports = new HashMap<>();
        d.ports().forEach((port, hostPort) -> ports.put(port, AttributeValue.fromN(hostPort.toString())));
        item.put("ports", AttributeValue.fromM(ports));
        if (d.settings() != null) {
            item.put("port", number(d.settings().port()));
            item.put("memory_bytes", number(d.settings().memoryBytes()));
            item.put("nano_cpus", number(d.settings().nanoCpus()));
            item.put("pids_limit", number(d.settings().pids()));
            Map<String, AttributeValue> volumes = new HashMap<>();
            d.settings().volumes().forEach((name, path) -> volumes.put(name, AttributeValue.fromS(path)));
            item.put("volumes", AttributeValue.fromM(volumes));
            putString(item, "network", d.settings().network());
            if (d.settings().replicas() != 1) item.put("replicas", number(d.settings().replicas()));
            putString(item, "volume_node", d.settings().volumeNode());
        }
        putString(item, "rollback_of", d.rollbackOf());
        putInstant(item, "ready_at", d.readyAt());
        if (d.imageKept() != null) item.put("image_kept", AttributeValue.fromBool(d.imageKept()));
        putString(item, "replaced_by", d.replacedBy());
        putInstant(item, "created_at", d.createdAt());
        putInstant(item, "updated_at", d.updatedAt());
        if (!d.phases().isEmpty()) {
            item.put("phases", AttributeValue.fromL(d.phases().stream().map(p -> {
                Map<String, AttributeValue> phase = new HashMap<>();
                phase.put("phase", AttributeValue.fromS(p.phase()));
                putInstant(phase, "started_at", p.startedAt());
                putInstant(phase, "ended_at", p.endedAt());
                return AttributeValue.fromM(phase);
            }).toList()));
        }
        if (d.imageReused() != null) item.put("image_reused", AttributeValue.fromBool(d.imageReused()));
        putString(item, "answer_kind", d.answerKind());
        putString(item, "answer_body", d.answerBody());
        if (d.requestedBy() != null) {
            putString(item, "requested_by", d.requestedBy().principal());
            putString(item, "source_ip", d.requestedBy().sourceIp());
            putString(item, "request_id", d.requestedBy().requestId());
        }
        item.put("version", AttributeValue.fromN(Long.toString(d.version())));
        return item;
    }

    static Deployment fromItem(Map<String, AttributeValue> item) {
        Map<String, Integer> ports = new HashMap<>();
        AttributeValue portsValue = item.get("ports");
        if (portsValue != null && portsValue.hasM()) {
            portsValue.m().forEach((port, hostPort) -> ports.put(port, Integer.valueOf(hostPort.n())));
        }
        return new Deployment(
                string(item, "id"), string(item, "agent_name"), string(item, "container_name"),
                string(item, "container_id"), string(item, "repo_url"), string(item, "branch"),
                string(item, "commit_sha"), string(item, "image"), string(item, "status"),
                string(item, "failure_phase"), string(item, "failure_reason"), ports, settings(item),
                string(item, "rollback_of"), instant(item, "ready_at"),
                item.containsKey("image_kept") ? item.get("image_kept").bool() : null, string(item, "replaced_by"),
                instant(item, "created_at"), instant(item, "updated_at"),
                string(item, "last_probe_outcome"), instant(item, "last_probe_at"), phases(item),
                item.containsKey("image_reused") ? item.get("image_reused").bool() : null,
                string(item, "answer_kind"), string(item, "answer_body"),
                instant(item, DEADLINE_AT), string(item, "request"),
                item.containsKey("requested_by") ? new RequestedBy(string(item, "requested_by"), string(item, "source_ip"),
                        string(item, "request_id")) : null,
                Long.parseLong(item.get("version").n()));
    }

    private static Deployment.RunSettings settings(Map<String, AttributeValue> item) {
        if (!item.containsKey("port")) return null;
        return new Deployment.RunSettings(Integer.parseInt(item.get("port").n()), Long.parseLong(item.get("memory_bytes").n()),
                Long.parseLong(item.get("nano_cpus").n()), Long.parseLong(item.get("pids_limit").n()), volumes(item),
                string(item, "network"), item.containsKey("replicas") ? Integer.parseInt(item.get("replicas").n()) : 1,
                string(item, "volume_node"));
    }

    private static Map<String, String> volumes(Map<String, AttributeValue> item) {
        Map<String, String> volumes = new HashMap<>();
        AttributeValue value = item.get("volumes");
        if (value != null && value.hasM()) value.m().forEach((name, path) -> volumes.put(name, path.s()));
        return volumes;
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static void putString(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) item.put(name, AttributeValue.fromS(value));
    }

    private static void putInstant(Map<String, AttributeValue> item, String name, Instant value) {
        if (value != null) item.put(name, AttributeValue.fromS(SORTABLE.format(value)));
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = string(item, name);
        return value == null ? null : Instant.parse(value);
    }

    private static List<Deployment.PhaseTime> phases(Map<String, AttributeValue> item) {
        AttributeValue value = item.get("phases");
        if (value == null || !value.hasL()) return List.of();
        return value.l().stream().map(p -> new Deployment.PhaseTime(string(p.m(), "phase"), instant(p.m(), "started_at"),
                instant(p.m(), "ended_at"))).toList();
    }
}
