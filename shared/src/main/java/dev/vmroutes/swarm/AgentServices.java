package dev.vmroutes.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.vmroutes.api.ContainerNames;
import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.Labels;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The agents' services on a Swarm manager, their tasks and the nodes: found only by exact name
 * and label, made and updated with the registry's credentials.
 */
public record AgentServices(SwarmEngine engine, RegistryAuth registry, ServiceSpecs specs) {

    /** The range Swarm itself publishes ports from: agents' ports are picked in it. */
    static final int FIRST_PORT = 30000;
    static final int LAST_PORT = 32767;
    private static final String NETWORK_PREFIX = "jules-net-";

    /** Fails with one line unless the engine is a Swarm manager. */
    public void checkManager(String host) {
        JsonNode swarm = engine.get("/info").path("Swarm");
        if (!swarm.path("ControlAvailable").asBoolean(false)) {
            String state = swarm.path("LocalNodeState").asText("inactive");
            throw new IllegalStateException("VM_ENGINE_MODE=swarm, but the engine at " + host + " is not a Swarm manager"
                    + " (its swarm state: " + state + ")");
        }
    }

    /** The agent's service, if one of that exact name carries our label. */
    public Optional<JsonNode> find(String serviceName) {
        ContainerNames.check(serviceName);
        try {
            JsonNode service = engine.get("/services/" + SwarmEngine.query(serviceName));
            if (!serviceName.equals(service.path("Spec").path("Name").asText())
                    || !"true".equals(ServiceSpecs.labels(service).get(Labels.MANAGED))) {
                return Optional.empty();
            }
            return Optional.of(service);
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** The agent's service, or 404. */
    public JsonNode findManaged(String serviceName) {
        return find(serviceName).orElseThrow(() -> VmException.notFound("service " + serviceName + " not found or not managed by VM Routes"));
    }

    /** Every managed service, from one call. */
    public List<JsonNode> listManaged() {
        List<JsonNode> services = new ArrayList<>();
        engine.get("/services?filters=" + SwarmEngine.query("{\"label\":[\"" + Labels.MANAGED + "=true\"]}")).forEach(services::add);
        return services;
    }

    /** Every task of the managed services (all states Swarm still keeps), from one call. */
    public List<JsonNode> tasks() {
        List<JsonNode> tasks = new ArrayList<>();
        engine.get("/tasks").forEach(t -> {
            if (t.path("Spec").path("ContainerSpec").path("Labels").has(ServiceSpecs.TASK_OF)) tasks.add(t);
        });
        return tasks;
    }

    /** The tasks of one service. */
    public List<JsonNode> tasksOf(String serviceId) {
        List<JsonNode> tasks = new ArrayList<>();
        engine.get("/tasks?filters=" + SwarmEngine.query("{\"service\":[\"" + serviceId + "\"]}")).forEach(tasks::add);
        return tasks;
    }

    public List<JsonNode> nodes() {
        List<JsonNode> nodes = new ArrayList<>();
        engine.get("/nodes").forEach(nodes::add);
        return nodes;
    }

    /** Creates the service; returns its id. */
    public String create(ObjectNode spec) {
        return engine.post("/services/create", spec, registry.header()).path("ID").asText();
    }

    /** Replaces the service's spec at the version it was read at; a rolling update when its tasks change. */
    public void update(JsonNode service, ObjectNode spec) {
        long version = service.path("Version").path("Index").asLong();
        engine.post("/services/" + service.path("ID").asText() + "/update?version=" + version, spec, registry.header());
    }

    /** Scales the service to no tasks, keeping it. */
    public void scaleToZero(JsonNode service) {
        ObjectNode spec = service.path("Spec").deepCopy();
        ((ObjectNode) spec.path("Mode").path("Replicated")).put("Replicas", 0);
        engine.post("/services/" + service.path("ID").asText() + "/update?version=" + service.path("Version").path("Index").asLong(),
                spec, registry.header());
    }

    public void remove(String serviceId) {
        try {
            engine.delete("/services/" + serviceId);
        } catch (NotFoundException alreadyGone) {
            // removed meanwhile
        }
    }

    /** A port in Swarm's range that no service publishes now, picked at random so that two deploys at once seldom meet. */
    public int freePort() {
        Set<Integer> taken = new HashSet<>();
        engine.get("/services").forEach(s -> {
            Integer port = ServiceSpecs.publishedPort(s);
            if (port != null) taken.add(port);
        });
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST_PORT, LAST_PORT + 1);
            if (!taken.contains(port)) return port;
        }
        throw VmException.conflict("no free port is left in " + FIRST_PORT + "-" + LAST_PORT);
    }

    /** The ready, active node with the fewest agent tasks: where a new agent's volumes are made. */
    public String leastBusyNode() {
        java.util.Map<String, Integer> load = new java.util.HashMap<>();
        for (JsonNode node : nodes()) {
            if ("ready".equals(node.path("Status").path("State").asText()) && "active".equals(node.path("Spec").path("Availability").asText())) {
                load.put(node.path("ID").asText(), 0);
            }
        }
        for (JsonNode task : tasks()) {
            if ("running".equals(task.path("DesiredState").asText())) load.computeIfPresent(task.path("NodeID").asText(), (k, n) -> n + 1);
        }
        return load.entrySet().stream().min(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey)
                .orElseThrow(() -> VmException.unavailable("Swarm", "no node is ready and active", null));
    }

    /** The id of the agents' attachable overlay network {@code jules-net-<name>}, made when missing. */
    public String network(String name) {
        String dockerName = NETWORK_PREFIX + name;
        for (JsonNode n : engine.get("/networks?filters=" + SwarmEngine.query("{\"name\":[\"" + dockerName + "\"]}"))) {
            if (dockerName.equals(n.path("Name").asText())) return n.path("Id").asText();
        }
        ObjectNode create = SwarmEngine.JSON.createObjectNode().put("Name", dockerName).put("Driver", "overlay")
                .put("Attachable", true).put("CheckDuplicate", true);
        create.putObject("Labels").put(Labels.MANAGED, "true").put(Labels.NETWORK, name);
        try {
            return engine.post("/networks/create", create, null).path("Id").asText();
        } catch (ConflictException madeMeanwhile) {
            return network(name);
        }
    }
}
