package dev.vmroutes.deploy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.docker.PublishedPorts;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.Deployment;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An unchanged redeploy: among the agent's running containers, one that runs this very image (so
 * the same repository, commit and image settings) with the same port, resources and environment,
 * and is healthy: not reported unhealthy by its HEALTHCHECK, and its {@code /health} answers below 500.
 */
record FindUnchanged(AgentContainers containers, HttpProbe probe) {

    Optional<InspectContainerResponse> find(List<Container> running, String image, Deployment.RunSettings settings,
                                            Map<String, String> environment) {
        for (Container c : running) {
            if (!image.equals(c.getImage()) || !String.valueOf(settings.port()).equals(c.getLabels().get(Labels.PORT))
                    || !settings.volumes().equals(AgentContainers.volumes(c))
                    || !Objects.equals(settings.network(), AgentContainers.network(c))) {
                continue;
            }
            Integer hostPort = PublishedPorts.agentPort(c);
            if (hostPort == null) continue;
            // Its health check is asked while the engine is asked for the rest.
            CompletableFuture<Integer> answer = CompletableFuture.supplyAsync(
                    () -> probe.get(containers.publishAddress(), hostPort, HealthRequest.DEFAULT_PATH).statusCode(), Thread::startVirtualThread);
            InspectContainerResponse state = containers.inspect(c.getId());
            if (sameResources(state, settings) && containers.givenEnvironment(state).equals(environment) && running(state)) {
                Integer status = answer.join();
                if (status != null && status < 500) return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    private static boolean sameResources(InspectContainerResponse state, Deployment.RunSettings settings) {
        var host = state.getHostConfig();
        return Objects.equals(host.getMemory(), settings.memoryBytes()) && Objects.equals(host.getNanoCPUs(), settings.nanoCpus())
                && Objects.equals(host.getPidsLimit(), settings.pids());
    }

    /** Running, and not reported unhealthy by its HEALTHCHECK. */
    private static boolean running(InspectContainerResponse state) {
        var health = state.getState().getHealth();
        return Boolean.TRUE.equals(state.getState().getRunning()) && (health == null || !"unhealthy".equals(health.getStatus()));
    }
}
