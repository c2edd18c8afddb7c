package dev.vmroutes.agents;

import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.Results;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.docker.PublishedPorts;
import dev.vmroutes.store.Deployment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every managed container, running or not, from one engine call, joined with its record. */
public record ListAgents(ManagedAgents managed) implements AgentOperations.Lister {

    public List<Results.Listed> list() {
        ManagedAgents.Snapshot snapshot = managed.read();
        List<Results.Listed> rows = new ArrayList<>();
        for (Container c : snapshot.containers()) {
            String name = AgentContainers.name(c);
            Deployment d = snapshot.records().get(name);
            rows.add(new Results.Listed(c.getId(), name, c.getState(),
                    c.getCreated() == null ? null : Instant.ofEpochSecond(c.getCreated()).toString(),
                    PublishedPorts.of(c), c.getLabels().get(Labels.AGENT),
                    d == null ? c.getLabels().get(Labels.DEPLOYMENT) : d.id(),
                    d == null ? null : d.commitSha(),
                    d == null ? null : d.lastProbeOutcome(),
                    d == null || d.lastProbeAt() == null ? null : d.lastProbeAt().toString(),
                    AgentContainers.volumes(c), AgentContainers.network(c), c.getImage()));
        }
        rows.sort(Comparator.comparing(Results.Listed::containerName));
        return rows;
    }
}
