package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import dev.vmroutes.api.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * The networks agents join. An agent that names a network joins the managed bridge
 * {@code jules-net-<name>}, where agents reach each other by agent name; every other agent joins
 * {@code jules-isolated}, a bridge with inter-container traffic off, so it shares no network with
 * anyone. Both are made when first needed, labelled as ours.
 */
public record AgentNetworks(DockerClient docker) {

    private static final Logger LOG = LoggerFactory.getLogger(AgentNetworks.class);
    public static final String ISOLATED = "jules-isolated";
    private static final String PREFIX = "jules-net-";

    /** The Docker network an agent joins for the network it asked for (null: none shared). */
    public static String dockerName(String network) {
        return network == null ? ISOLATED : PREFIX + network;
    }

    /** The network a managed network's Docker name stands for; null for the isolated one or any other. */
    public static String requested(String dockerName) {
        return dockerName != null && dockerName.startsWith(PREFIX) ? dockerName.substring(PREFIX.length()) : null;
    }

    /** Creates the network when missing (two deploys creating it at once both end up on one network). */
    public void ensure(String dockerName) {
        EngineErrors.run(() -> {
            if (exists(dockerName)) return;
            Map<String, String> options = ISOLATED.equals(dockerName)
                    ? Map.of("com.docker.network.bridge.enable_icc", "false") : Map.of();
            try {
                docker.createNetworkCmd().withName(dockerName).withDriver("bridge").withCheckDuplicate(true)
                        .withOptions(options).withLabels(Map.of(Labels.MANAGED, "true")).exec();
            } catch (ConflictException createdMeanwhile) {
                // another deploy made it first
            }
        });
    }

    /** Removes a managed network no container uses any more; the isolated one stays. */
    public void removeIfUnused(String dockerName) {
        if (requested(dockerName) == null) return;
        try {
            Network network = docker.inspectNetworkCmd().withNetworkId(dockerName).exec();
            if (network.getLabels() == null || !"true".equals(network.getLabels().get(Labels.MANAGED))) return;
            if (network.getContainers() != null && !network.getContainers().isEmpty()) return;
            docker.removeNetworkCmd(dockerName).exec();
        } catch (NotFoundException | ConflictException goneOrInUse) {
            // removed meanwhile, or a container joined it meanwhile
        } catch (RuntimeException e) {
            LOG.warn("could not remove network {}: {}", dockerName, Redactor.describe(e));
        }
    }

    private boolean exists(String dockerName) {
        List<Network> found = docker.listNetworksCmd().withNameFilter(dockerName).exec();
        return found.stream().anyMatch(n -> dockerName.equals(n.getName()));
    }
}
