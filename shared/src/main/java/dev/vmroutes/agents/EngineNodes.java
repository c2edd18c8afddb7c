package dev.vmroutes.agents;

import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.Results;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.EngineErrors;
import dev.vmroutes.docker.Labels;

import java.util.List;

/** A single engine as the one node it is: its name, the address agents are published on, the agents' containers on it. */
public record EngineNodes(AgentContainers containers) implements AgentOperations.NodeLister {

    @Override
    public List<Results.Node> nodes() {
        var info = EngineErrors.read(() -> containers.docker().infoCmd().exec());
        List<Results.NodeTask> tasks = containers.listManaged().stream()
                .map((Container c) -> new Results.NodeTask(c.getId(), c.getLabels().get(Labels.AGENT), AgentContainers.name(c), c.getState()))
                .toList();
        return List.of(new Results.Node(info.getId(), info.getName(), containers.publishAddress(), "engine", "ready", "active",
                false, tasks));
    }
}
