package dev.vmroutes.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.docker.AgentVolumes;
import dev.vmroutes.docker.ContainerSpec;
import dev.vmroutes.docker.Labels;

import java.time.Duration;
import java.util.Map;

/**
 * The service an agent runs as, in the engine's terms: the same hardening, limits, log caps and
 * labels as a container on a single engine; a rolling update gated by the image's HEALTHCHECK
 * that rolls itself back; one published port, kept for the agent's life.
 *
 * @param diskBytes   what an agent may write outside its volumes (a capped {@code /tmp}, the root read-only); 0: unbounded
 * @param hostPublish each node publishes its own tasks' port (no routing mesh): DNS round robin, at most one task per node
 * @param monitor     how long each new task is watched after it starts before the update moves on
 */
public record ServiceSpecs(long diskBytes, boolean hostPublish, Duration monitor) {

    /** The label that names the node an agent's volumes live on. */
    public static final String VOLUME_NODE = "jules.volume-node";
    /** Tasks' containers carry this, never {@link Labels#MANAGED}: on a manager they are tasks, not agents of their own. */
    public static final String TASK_OF = "jules.task-of";

    public static String serviceName(String agent) {
        return "jules-agent-" + agent;
    }

    /**
     * @param publishedPort the agent's port on every node (ingress) or on the nodes its tasks run on (host)
     * @param networkId     the overlay network the agent joins under its own name; null: none
     * @param volumeNode    the node its volumes live on: its tasks run there only; null: anywhere
     * @param startFirst    an update starts each new task before it stops an old one
     */
    public ObjectNode spec(ContainerSpec c, String image, int replicas, int publishedPort, String networkId, String volumeNode,
                           boolean startFirst) {
        ObjectNode spec = SwarmEngine.JSON.createObjectNode();
        spec.put("Name", c.name());
        ObjectNode labels = spec.putObject("Labels");
        labels.put(Labels.MANAGED, "true").put(Labels.AGENT, c.agentName()).put(Labels.DEPLOYMENT, c.deploymentId())
                .put(Labels.PORT, Integer.toString(c.port()));
        if (c.network() != null) labels.put(Labels.NETWORK, c.network());
        if (volumeNode != null) labels.put(VOLUME_NODE, volumeNode);

        ObjectNode task = spec.putObject("TaskTemplate");
        ObjectNode container = task.putObject("ContainerSpec");
        container.put("Image", image);
        container.putObject("Labels").put(TASK_OF, c.agentName());
        ArrayNode env = container.putArray("Env");
        c.environment().forEach((k, v) -> env.add(k + "=" + v));
        // An init as PID 1 passes SIGTERM on, so an agent that never handles it still stops at once.
        container.put("Init", true);
        container.put("StopGracePeriod", Duration.ofSeconds(10).toNanos());
        container.putArray("CapabilityDrop").add("ALL");
        container.putArray("CapabilityAdd").add("CAP_NET_BIND_SERVICE");
        container.putObject("Privileges").put("NoNewPrivileges", true);
        container.put("ReadOnly", diskBytes > 0);
        ArrayNode mounts = container.putArray("Mounts");
        c.volumes().forEach((name, path) -> mounts.addObject().put("Type", "volume")
                .put("Source", AgentVolumes.dockerName(c.agentName(), name)).put("Target", path)
                .putObject("VolumeOptions").putObject("Labels").put(Labels.MANAGED, "true").put(Labels.AGENT, c.agentName())
                .put(Labels.VOLUME, name));
        if (diskBytes > 0) {
            mounts.addObject().put("Type", "tmpfs").put("Target", "/tmp").putObject("TmpfsOptions").put("SizeBytes", diskBytes);
        }
        task.putObject("Resources").putObject("Limits").put("NanoCPUs", c.limits().nanoCpus())
                .put("MemoryBytes", c.limits().memoryBytes()).put("Pids", c.limits().pids());
        task.putObject("RestartPolicy").put("Condition", "any").put("Delay", Duration.ofSeconds(5).toNanos());
        ObjectNode placement = task.putObject("Placement");
        if (volumeNode != null) placement.putArray("Constraints").add("node.id==" + volumeNode);
        // A node publishes a host-mode port once: two tasks of the agent never share one.
        if (hostPublish) placement.put("MaxReplicas", 1);
        if (networkId != null) {
            task.putArray("Networks").addObject().put("Target", networkId).putArray("Aliases").add(c.agentName());
        }
        // Capped output: an agent that prints in a loop keeps at most 3 x 10 MB on its node.
        task.putObject("LogDriver").put("Name", "json-file").putObject("Options").put("max-size", "10m").put("max-file", "3");

        spec.putObject("Mode").putObject("Replicated").put("Replicas", replicas);
        String order = startFirst ? "start-first" : "stop-first";
        spec.set("UpdateConfig", rollout(order).put("FailureAction", "rollback").put("MaxFailureRatio", 0));
        spec.set("RollbackConfig", rollout(order).put("FailureAction", "pause").put("MaxFailureRatio", 0));

        ObjectNode endpoint = spec.putObject("EndpointSpec");
        endpoint.put("Mode", hostPublish ? "dnsrr" : "vip");
        endpoint.putArray("Ports").addObject().put("Protocol", "tcp").put("TargetPort", c.port())
                .put("PublishedPort", publishedPort).put("PublishMode", hostPublish ? "host" : "ingress");
        return spec;
    }

    private ObjectNode rollout(String order) {
        return SwarmEngine.JSON.createObjectNode().put("Parallelism", 1).put("Delay", 0)
                .put("Monitor", monitor.toNanos()).put("Order", order);
    }

    /** The port the service publishes, from its spec; null when it publishes none. */
    public static Integer publishedPort(JsonNode service) {
        for (JsonNode port : service.path("Spec").path("EndpointSpec").path("Ports")) {
            if (port.path("PublishedPort").asInt() > 0) return port.path("PublishedPort").asInt();
        }
        for (JsonNode port : service.path("Endpoint").path("Ports")) {
            if (port.path("PublishedPort").asInt() > 0) return port.path("PublishedPort").asInt();
        }
        return null;
    }

    /** The agent's volumes the service mounts, by short name: their container paths. */
    public static Map<String, String> volumes(JsonNode service) {
        Map<String, String> volumes = new java.util.TreeMap<>();
        for (JsonNode mount : service.path("Spec").path("TaskTemplate").path("ContainerSpec").path("Mounts")) {
            String name = mount.path("VolumeOptions").path("Labels").path(Labels.VOLUME).asText(null);
            if ("volume".equals(mount.path("Type").asText()) && name != null) volumes.put(name, mount.path("Target").asText());
        }
        return volumes;
    }

    /** The service's labels. */
    public static Map<String, String> labels(JsonNode service) {
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        service.path("Spec").path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }
}
