package dev.vmroutes.deploy;

import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.AgentNetworks;
import dev.vmroutes.docker.AgentVolumes;
import dev.vmroutes.docker.ContainerSpec;

/** Makes what the agent's container needs (its volumes, its network), then creates it (hardened, labelled, its port published) and starts it. */
record RunContainer(AgentContainers containers, AgentVolumes volumes, AgentNetworks networks) {

    void run(DeployRun run, ContainerSpec spec) {
        spec.volumes().forEach((name, path) -> volumes.ensure(spec.agentName(), name, spec.image(), path));
        networks.ensure(AgentNetworks.dockerName(spec.network()));
        run.containerId(containers.create(spec));
        containers.start(run.containerId());
    }
}
