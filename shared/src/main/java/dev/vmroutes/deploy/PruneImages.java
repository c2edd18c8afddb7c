package dev.vmroutes.deploy;

import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.Images;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Image retention, after a deploy that worked: the images of the agent's last {@code keep}
 * successful deployments stay; the agent's tags of older ones are removed (the engine deletes an
 * image and the layers only it used with its last tag), except where one of the agent's
 * containers still uses the image. Each record says whether its image is kept. Never fails the
 * deploy: what cannot be removed is logged and kept.
 */
record PruneImages(DeploymentRecords records, Images images, AgentContainers containers, int keep, Clock clock) {

    private static final Logger LOG = LoggerFactory.getLogger(PruneImages.class);
    private static final int HISTORY_LOOKED_AT = 100;

    void prune(Deployment current) {
        try {
            List<Deployment> succeeded = new ArrayList<>(List.of(current));
            // The agent index may not show the record just written yet; it is the newest either way.
            // Each successful deploy prunes, so older kept images than these are the rare ones a prune could not remove.
            records.ofAgent(current.agentName(), keep + HISTORY_LOOKED_AT).stream()
                    .filter(d -> d.succeeded() && !d.id().equals(current.id())).forEach(succeeded::add);
            Set<String> keptImages = succeeded.stream().limit(keep).map(Deployment::image)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            Set<String> inUse = containers.ofAgent(current.agentName()).stream().map(Container::getImage).collect(Collectors.toSet());
            Set<String> removed = new LinkedHashSet<>();
            for (Deployment old : succeeded.subList(Math.min(keep, succeeded.size()), succeeded.size())) {
                String image = old.image();
                if (Boolean.FALSE.equals(old.imageKept()) || keptImages.contains(image) || inUse.contains(image)) continue;
                if (removed.contains(image) || images.remove(image)) {
                    removed.add(image);
                    records.change(old.id(), d -> d.imageRemoved(clock.instant()));
                }
            }
            if (!removed.isEmpty()) LOG.info("agent {}: removed images {}", current.agentName(), removed);
        } catch (RuntimeException e) {
            LOG.warn("agent {}: image retention did not finish: {}", current.agentName(), Redactor.describe(e));
        }
    }
}
