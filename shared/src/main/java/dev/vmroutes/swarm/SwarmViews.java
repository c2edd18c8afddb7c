package dev.vmroutes.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.api.Results;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Services, tasks and nodes as the API shows them: tasks with their node, replicas, the addresses an agent answers at. */
public final class SwarmViews {

    private final Map<String, JsonNode> nodes = new HashMap<>();

    public SwarmViews(List<JsonNode> nodes) {
        nodes.forEach(n -> this.nodes.put(n.path("ID").asText(), n));
    }

    /** A node's address: what it advertises (a manager may report 0.0.0.0 there and its real one with its manager status). */
    public static String address(JsonNode node) {
        String addr = node.path("Status").path("Addr").asText("");
        if (addr.isEmpty() || "0.0.0.0".equals(addr)) {
            String manager = node.path("ManagerStatus").path("Addr").asText("");
            addr = manager.contains(":") ? manager.substring(0, manager.lastIndexOf(':')) : manager;
        }
        return addr;
    }

    public static String hostname(JsonNode node) {
        return node.path("Description").path("Hostname").asText(node.path("ID").asText());
    }

    public static boolean wantedRunning(JsonNode task) {
        return "running".equals(task.path("DesiredState").asText());
    }

    public static boolean running(JsonNode task) {
        return wantedRunning(task) && "running".equals(task.path("Status").path("State").asText());
    }

    public String nodeAddress(JsonNode task) {
        JsonNode node = nodes.get(task.path("NodeID").asText());
        return node == null ? null : address(node);
    }

    public Results.Task task(JsonNode t) {
        JsonNode node = nodes.get(t.path("NodeID").asText());
        String error = t.path("Status").path("Err").asText(null);
        String container = t.path("Status").path("ContainerStatus").path("ContainerID").asText(null);
        return new Results.Task(t.path("ID").asText(), node == null ? null : hostname(node), node == null ? null : address(node),
                t.path("Status").path("State").asText(), container, error, null);
    }

    /** The tasks Swarm wants running, oldest slot first. */
    public List<Results.Task> current(List<JsonNode> tasks) {
        List<Results.Task> current = new ArrayList<>();
        tasks.stream().filter(SwarmViews::wantedRunning)
                .sorted(java.util.Comparator.comparing((JsonNode t) -> t.path("Slot").asInt()).thenComparing(t -> t.path("ID").asText()))
                .forEach(t -> current.add(task(t)));
        return current;
    }

    public static Results.Replicas replicas(JsonNode service, List<JsonNode> tasks) {
        int desired = service.path("Spec").path("Mode").path("Replicated").path("Replicas").asInt(0);
        return new Results.Replicas(desired, (int) tasks.stream().filter(SwarmViews::running).count());
    }

    /**
     * Where the agent answers on its port: with the routing mesh every ready node, else the nodes
     * its running tasks are on.
     */
    public List<String> addresses(boolean hostPublish, List<JsonNode> tasks) {
        TreeSet<String> addresses = new TreeSet<>();
        if (hostPublish) {
            tasks.stream().filter(SwarmViews::running).map(this::nodeAddress).filter(a -> a != null && !a.isEmpty()).forEach(addresses::add);
        } else {
            nodes.values().stream().filter(n -> "ready".equals(n.path("Status").path("State").asText())).map(SwarmViews::address)
                    .forEach(addresses::add);
        }
        return List.copyOf(addresses);
    }

    /** The container's status word an agent's service shows: running while any task runs. */
    public static String status(JsonNode service, List<JsonNode> tasks) {
        Results.Replicas r = replicas(service, tasks);
        if (r.running() > 0) return "running";
        return r.desired() == 0 ? "stopped" : "starting";
    }
}
