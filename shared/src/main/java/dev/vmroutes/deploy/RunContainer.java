package dev.vmroutes.deploy;

import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.ContainerSpec;

/** Creates the agent's container (hardened, labelled, its port published) and starts it. */
final class RunContainer {

    private final AgentContainers containers;

    RunContainer(AgentContainers containers) {
        this.containers = containers;
    }

    void run(DeployRun run, ContainerSpec spec) {
        run.containerId(containers.create(spec));
        containers.start(run.containerId());
    }
}
