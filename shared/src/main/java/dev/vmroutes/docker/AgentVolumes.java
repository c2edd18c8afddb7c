package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import dev.vmroutes.api.VmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An agent's named volumes: {@code jules-<agent>-<name>}, labelled as ours and the agent's, kept across its deploys. */
public record AgentVolumes(DockerClient docker) {

    private static final Logger LOG = LoggerFactory.getLogger(AgentVolumes.class);

    public static String dockerName(String agent, String name) {
        return "jules-" + agent + "-" + name;
    }

    /** Creates the agent's volume when missing. */
    public void ensure(String agent, String name) {
        String volume = dockerName(agent, name);
        EngineErrors.run(() -> {
            try {
                InspectVolumeResponse existing = docker.inspectVolumeCmd(volume).exec();
                Map<String, String> labels = existing.getLabels();
                if (labels == null || !agent.equals(labels.get(Labels.AGENT))) {
                    throw VmException.conflict("volume " + volume + " exists and is not agent " + agent + "'s");
                }
            } catch (NotFoundException missing) {
                docker.createVolumeCmd().withName(volume).withDriver("local")
                        .withLabels(Map.of(Labels.MANAGED, "true", Labels.AGENT, agent)).exec();
            }
        });
    }

    /**
     * Deletes the agent's volumes; one a container still uses is kept.
     *
     * @return the names of the volumes deleted
     */
    public List<String> removeAll(String agent) {
        List<String> removed = new ArrayList<>();
        var volumes = EngineErrors.call(() -> docker.listVolumesCmd()
                .withFilter("label", List.of(Labels.MANAGED + "=true", Labels.AGENT + "=" + agent)).exec()).getVolumes();
        for (var volume : volumes == null ? List.<com.github.dockerjava.api.command.InspectVolumeResponse>of() : volumes) {
            try {
                docker.removeVolumeCmd(volume.getName()).exec();
                removed.add(volume.getName());
            } catch (ConflictException inUse) {
                LOG.info("kept volume {}: a container still uses it", volume.getName());
            } catch (NotFoundException gone) {
                // removed meanwhile
            }
        }
        return removed;
    }
}
