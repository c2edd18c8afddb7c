package dev.vmroutes.docker;

import dev.vmroutes.api.ContainerLimits;

import java.util.Map;

/**
 * What a new agent container is made of; the hardening rules are not part of it, they always apply.
 *
 * @param volumes the agent's volumes to mount, by short name, at their container paths
 * @param network the network the agent asked to join; null: none shared with anyone
 */
public record ContainerSpec(String name, String image, String agentName, String deploymentId, int port,
                            Map<String, String> environment, ContainerLimits limits, Map<String, String> volumes,
                            String network) {

    public ContainerSpec {
        environment = Map.copyOf(environment);
        volumes = volumes == null ? Map.of() : Map.copyOf(volumes);
    }
}
