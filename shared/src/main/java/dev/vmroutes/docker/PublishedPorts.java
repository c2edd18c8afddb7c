package dev.vmroutes.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.Ports;

import java.util.Map;
import java.util.TreeMap;

/** A container's published ports as {@code "8080/tcp" -> host port}, and which of them is the agent's. */
public final class PublishedPorts {

    private PublishedPorts() {
    }

    public static Map<String, Integer> of(InspectContainerResponse container) {
        Map<String, Integer> ports = new TreeMap<>();
        var network = container.getNetworkSettings();
        if (network == null || network.getPorts() == null) return ports;
        network.getPorts().getBindings().forEach((exposed, bindings) -> {
            if (bindings == null) return;
            for (Ports.Binding b : bindings) {
                if (b.getHostPortSpec() != null && !b.getHostPortSpec().isBlank()) {
                    ports.putIfAbsent(exposed.getPort() + "/" + exposed.getProtocol(), Integer.valueOf(b.getHostPortSpec()));
                }
            }
        });
        return ports;
    }

    public static Map<String, Integer> of(Container container) {
        Map<String, Integer> ports = new TreeMap<>();
        if (container.getPorts() == null) return ports;
        for (ContainerPort p : container.getPorts()) {
            if (p.getPublicPort() != null && p.getPrivatePort() != null) {
                ports.put(p.getPrivatePort() + "/" + p.getType(), p.getPublicPort());
            }
        }
        return ports;
    }

    /** The host port of the agent's own port (its label), else of the first published one; null when none is. */
    public static Integer agentPort(Map<String, Integer> published, Map<String, String> labels) {
        String portLabel = labels == null ? null : labels.get(Labels.PORT);
        if (portLabel != null && published.containsKey(portLabel + "/tcp")) return published.get(portLabel + "/tcp");
        return published.values().stream().findFirst().orElse(null);
    }

    public static Integer agentPort(InspectContainerResponse container) {
        return agentPort(of(container), container.getConfig() == null ? null : container.getConfig().getLabels());
    }

    public static Integer agentPort(Container container) {
        return agentPort(of(container), container.getLabels());
    }
}
