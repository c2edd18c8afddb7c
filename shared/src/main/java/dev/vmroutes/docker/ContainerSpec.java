package dev.vmroutes.docker;

import dev.vmroutes.api.ContainerLimits;

import java.util.Map;

/** What a new agent container is made of; the hardening rules are not part of it, they always apply. */
public record ContainerSpec(String name, String image, String agentName, String deploymentId, int port,
                            Map<String, String> environment, ContainerLimits limits) {

    public ContainerSpec {
        environment = Map.copyOf(environment);
    }
}
