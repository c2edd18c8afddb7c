package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
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

    /**
     * Creates the agent's volume when missing. A new volume belongs to root; when the image runs as
     * another user, the volume is given to that user at creation, so the agent can write to it.
     */
    public void ensure(String agent, String name, String image, String mountPath) {
        String volume = dockerName(agent, name);
        boolean created = EngineErrors.call(() -> {
            try {
                InspectVolumeResponse existing = docker.inspectVolumeCmd(volume).exec();
                Map<String, String> labels = existing.getLabels();
                if (labels == null || !agent.equals(labels.get(Labels.AGENT))) {
                    throw VmException.conflict("volume " + volume + " exists and is not agent " + agent + "'s");
                }
                return false;
            } catch (NotFoundException missing) {
                docker.createVolumeCmd().withName(volume).withDriver("local")
                        .withLabels(Map.of(Labels.MANAGED, "true", Labels.AGENT, agent)).exec();
                return true;
            }
        });
        if (created) giveToImageUser(volume, image, mountPath);
    }

    /** Runs {@code chown} on the new volume as root, with nothing but that capability and no network, and removes the container. */
    private void giveToImageUser(String volume, String image, String mountPath) {
        String user = EngineErrors.read(() -> docker.inspectImageCmd(image).exec()).getConfig().getUser();
        if (user == null || user.isBlank() || user.equals("0") || user.startsWith("0:") || user.startsWith("root")) return;
        String helper = EngineErrors.call(() -> docker.createContainerCmd(image)
                .withEntrypoint("chown", user, mountPath).withCmd(List.of())
                .withUser("0")
                .withNetworkDisabled(true)
                .withHostConfig(HostConfig.newHostConfig()
                        .withBinds(new Bind(volume, new Volume(mountPath)))
                        .withNetworkMode("none")
                        .withCapDrop(Capability.ALL).withCapAdd(Capability.CHOWN)
                        .withSecurityOpts(List.of("no-new-privileges:true")))
                .exec().getId());
        try {
            EngineErrors.run(() -> docker.startContainerCmd(helper).exec());
            Integer exit = docker.waitContainerCmd(helper).start().awaitStatusCode(30, java.util.concurrent.TimeUnit.SECONDS);
            if (exit == null || exit != 0) LOG.warn("could not give volume {} to user {} (exit {})", volume, user, exit);
        } finally {
            try {
                docker.removeContainerCmd(helper).withForce(true).exec();
            } catch (RuntimeException e) {
                LOG.warn("could not remove the helper container {}: {}", helper, e.getMessage());
            }
        }
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
