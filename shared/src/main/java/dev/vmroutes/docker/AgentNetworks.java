package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import dev.vmroutes.api.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The networks agents join. An agent that names a network joins the managed bridge
 * {@code jules-net-<name>}, where agents reach each other by agent name; every other agent joins
 * the isolated network ({@code jules-isolated} unless configured), a bridge with inter-container
 * traffic off, so it shares no network with anyone. Both are made when first needed, labelled as ours.
 * <p>
 * The engine does not make a network name unique (its duplicate check is best effort), so a
 * network is created and then reconciled: of the networks of that name, every caller keeps the
 * oldest and removes the others, and containers refer to it by id.
 *
 * @param isolated the Docker name of the network of agents that share none
 */
public record AgentNetworks(DockerClient docker, String isolated) {

    private static final Logger LOG = LoggerFactory.getLogger(AgentNetworks.class);
    public static final String ISOLATED = "jules-isolated";
    private static final String PREFIX = "jules-net-";
    private static final int JOIN_ATTEMPTS = 5;
    private static final Comparator<Network> OLDEST_FIRST = Comparator
            .comparing((Network n) -> n.getCreated() == null ? new Date(Long.MAX_VALUE) : n.getCreated())
            .thenComparing(Network::getId);

    public AgentNetworks {
        if (isolated == null || isolated.isBlank()) isolated = ISOLATED;
    }

    public AgentNetworks(DockerClient docker) {
        this(docker, ISOLATED);
    }

    /** The Docker network an agent joins for the network it asked for (null: none shared). */
    public String dockerName(String network) {
        return network == null ? isolated : PREFIX + network;
    }

    /** The network a managed network's Docker name stands for; null for the isolated one or any other. */
    public static String requested(String dockerName) {
        return dockerName != null && dockerName.startsWith(PREFIX) ? dockerName.substring(PREFIX.length()) : null;
    }

    /**
     * The id of the network, created when missing. Callers that create it at once each make one;
     * each then keeps the oldest of that name and removes the others, so all end up on one.
     */
    public String ensure(String dockerName) {
        return EngineErrors.call(() -> {
            List<Network> found = named(dockerName);
            if (found.isEmpty()) {
                Map<String, String> options = isolated.equals(dockerName)
                        ? Map.of("com.docker.network.bridge.enable_icc", "false") : Map.of();
                try {
                    docker.createNetworkCmd().withName(dockerName).withDriver("bridge").withCheckDuplicate(true)
                            .withOptions(options).withLabels(Map.of(Labels.MANAGED, "true")).exec();
                } catch (ConflictException createdMeanwhile) {
                    // another caller made it first
                }
                found = named(dockerName);
            }
            Network keep = found.stream().min(OLDEST_FIRST)
                    .orElseThrow(() -> new NotFoundException("network " + dockerName + " was removed as it was made"));
            for (Network other : found) {
                if (!other.getId().equals(keep.getId())) removeDuplicate(other);
            }
            return keep.getId();
        });
    }

    /**
     * Runs {@code join} with the id of the network, made when missing. A network removed between
     * finding it and joining it (its last agent stopped meanwhile) is made again and joined again,
     * and so is one that has a duplicate still: {@code join} must leave nothing behind when it throws.
     */
    public <T> T join(String dockerName, Function<String, T> join) {
        for (int attempt = 1; ; attempt++) {
            String id = ensure(dockerName);
            try {
                return join.apply(id);
            } catch (DockerException e) {
                if (attempt >= JOIN_ATTEMPTS || !networkMoved(e)) throw e;
                LOG.info("network {} changed while joining it ({}); joining again", dockerName, EngineErrors.message(e));
            }
        }
    }

    /**
     * The network went away under the join, or a duplicate another caller has yet to remove was
     * there: the engine finds a container's network by name again when it starts it.
     */
    private static boolean networkMoved(DockerException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("is ambiguous") || (e instanceof NotFoundException && message.contains("network"));
    }

    /** A second network of the name that nobody may use: only ours, and never one a container is on. */
    private void removeDuplicate(Network duplicate) {
        if (duplicate.getLabels() == null || !"true".equals(duplicate.getLabels().get(Labels.MANAGED))) return;
        try {
            docker.removeNetworkCmd(duplicate.getId()).exec();
        } catch (NotFoundException | ConflictException goneOrInUse) {
            // another caller removed it, or it is in use and stays
        }
    }

    /**
     * Removes a managed network no container uses any more; the isolated one stays.
     *
     * @param network the network's id or name, as a container's network mode holds it
     */
    public void removeIfUnused(String network) {
        if (network == null) return;
        try {
            Network inspected = docker.inspectNetworkCmd().withNetworkId(network).exec();
            if (requested(inspected.getName()) == null) return;
            if (inspected.getLabels() == null || !"true".equals(inspected.getLabels().get(Labels.MANAGED))) return;
            if (inspected.getContainers() != null && !inspected.getContainers().isEmpty()) return;
            docker.removeNetworkCmd(inspected.getId()).exec();
        } catch (NotFoundException | ConflictException goneOrInUse) {
            // removed meanwhile, or a container joined it meanwhile
        } catch (RuntimeException e) {
            LOG.warn("could not remove network {}: {}", network, Redactor.describe(e));
        }
    }

    /** The networks of exactly that name (the engine's name filter also matches parts of names). */
    private List<Network> named(String dockerName) {
        return docker.listNetworksCmd().withNameFilter(dockerName).exec().stream()
                .filter(n -> dockerName.equals(n.getName())).toList();
    }
}
