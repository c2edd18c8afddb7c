package dev.vmroutes.deploy;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.AgentNetworks;
import dev.vmroutes.docker.AgentVolumes;
import dev.vmroutes.docker.ContainerSpec;
import dev.vmroutes.docker.EngineErrors;

import java.util.HashMap;
import java.util.Map;

/**
 * Makes what the agent's container needs (its volumes, its network), then creates it (hardened,
 * labelled, its port published) and starts it. Volumes it made are the run's, removed if the deploy fails.
 */
record RunContainer(AgentContainers containers, AgentVolumes volumes, AgentNetworks networks) {

    void run(DeployRun run, ContainerSpec spec) {
        volumes.checkMountPoints(spec.image(), spec.volumes());
        try {
            Map<String, String> dockerNames = new HashMap<>();
            spec.volumes().forEach((name, path) -> {
                AgentVolumes.Ensured volume = volumes.ensure(spec.agentName(), name, spec.image(), path);
                if (volume.created()) run.createdVolume(volume.dockerName());
                dockerNames.put(name, volume.dockerName());
            });
            // A network removed under the join (its last other agent stopped meanwhile) is made again.
            run.containerId(networks.join(networks.dockerName(spec.network()), networkId -> {
                String created = containers.create(spec, networkId, dockerNames);
                try {
                    containers.start(created);
                } catch (RuntimeException e) {
                    containers.removeQuietly(created);
                    throw e;
                }
                return created;
            }));
        } catch (DockerException e) {
            if (e instanceof ConflictException) throw e;
            // The engine's reasons (a refused mount, for one) name paths on its host: the caller gets them without.
            throw VmException.deployFailed("start", EngineErrors.withoutHostPaths(EngineErrors.message(e)));
        }
    }
}
