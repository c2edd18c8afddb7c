package dev.vmroutes.deploy;

import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.ContainerSpec;

/** Creates the agent's container (hardened, labelled, its port published) and starts it. */
record RunContainer(AgentContainers containers) {

    void run(DeployRun run, ContainerSpec spec) {
        run.containerId(containers.create(spec));
        containers.start(run.containerId());
    }
}
