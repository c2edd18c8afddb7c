package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.vmroutes.api.ContainerNames;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The engine's managed containers: made with the hardening rules, found only by exact name and
 * label, listed in one call. Transport failures are {@link VmException.Kind#UNAVAILABLE}.
 *
 * @param diskBytes what an agent may write outside its volumes: its root file system is read-only and
 *                  {@code /tmp} a tmpfs of this size; 0: a writable root file system, unbounded
 */
public record AgentContainers(DockerClient docker, String publishAddress, String isolatedNetwork, long diskBytes) {

    private static final Logger LOG = LoggerFactory.getLogger(AgentContainers.class);
    /** An image's own environment, by image id: an id names one immutable image, so it never changes. */
    private static final Map<String, java.util.Set<String>> IMAGE_ENV = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Pattern IP_LITERAL = Pattern.compile("^(\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:]+)$");

    public AgentContainers(DockerClient docker, String publishAddress) {
        this(docker, publishAddress, AgentNetworks.ISOLATED, 0);
    }

    /** The networks these containers join. */
    public AgentNetworks networks() {
        return new AgentNetworks(docker, isolatedNetwork);
    }

    /**
     * Creates the container, unprivileged and capped, its port published on the publish address,
     * on the network of that id, with the agent's volumes by their Docker names; returns its id.
     */
    public String create(ContainerSpec spec, String networkId, Map<String, String> volumeNames) {
        Map<String, String> labels = new java.util.HashMap<>(Map.of(Labels.MANAGED, "true", Labels.AGENT, spec.agentName(),
                Labels.DEPLOYMENT, spec.deploymentId(), Labels.PORT, Integer.toString(spec.port())));
        if (spec.network() != null) labels.put(Labels.NETWORK, spec.network());
        return EngineErrors.call(() -> docker.createContainerCmd(spec.image())
                .withName(spec.name())
                .withLabels(labels)
                .withEnv(spec.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                .withExposedPorts(ExposedPort.tcp(spec.port()))
                .withHostConfig(hostConfig(spec, networkId, volumeNames))
                .withAliases(spec.network() == null ? List.of() : List.of(spec.agentName()))
                .exec().getId());
    }

    public void start(String containerId) {
        EngineErrors.run(() -> docker.startContainerCmd(containerId).exec());
    }

    public InspectContainerResponse inspect(String containerId) {
        return EngineErrors.read(() -> docker.inspectContainerCmd(containerId).exec());
    }

    private HostConfig hostConfig(ContainerSpec spec, String networkId, Map<String, String> volumeNames) {
        String bindIp = IP_LITERAL.matcher(publishAddress).matches() ? publishAddress : "0.0.0.0";
        return HostConfig.newHostConfig()
                .withPortBindings(new PortBinding(Ports.Binding.bindIp(bindIp), ExposedPort.tcp(spec.port())))
                .withPrivileged(false)
                // An init as PID 1 passes SIGTERM on, so an agent that never handles it still stops at once.
                .withInit(true)
                .withNetworkMode(networkId)
                .withBinds(spec.volumes().entrySet().stream()
                        .map(v -> new Bind(volumeNames.getOrDefault(v.getKey(), AgentVolumes.dockerName(spec.agentName(), v.getKey())),
                                new Volume(v.getValue()))).toList())
                .withSecurityOpts(List.of("no-new-privileges:true"))
                .withCapDrop(Capability.ALL)
                .withCapAdd(Capability.NET_BIND_SERVICE)
                // The engine's storage driver (overlay2 on extfs) has no quota: the disk an agent writes is a capped tmpfs.
                .withReadonlyRootfs(diskBytes > 0)
                .withTmpFs(diskBytes > 0 ? Map.of("/tmp", "rw,nosuid,nodev,size=" + diskBytes) : null)
                .withMemory(spec.limits().memoryBytes())
                .withMemorySwap(spec.limits().memoryBytes())
                .withNanoCPUs(spec.limits().nanoCpus())
                .withPidsLimit(spec.limits().pids())
                // Capped output: an agent that prints in a loop keeps at most 3 x 10 MB on the host.
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "3")));
    }

    /** The named container if it exists, carries our label and has exactly that name; else not found. */
    public InspectContainerResponse findManaged(String name) {
        ContainerNames.check(name);
        InspectContainerResponse container = EngineErrors.read(() -> {
            try {
                return docker.inspectContainerCmd(name).exec();
            } catch (NotFoundException e) {
                return null;
            } catch (InternalServerErrorException e) {
                // The engine tries exact names before id prefixes: an ambiguous prefix means no such name.
                if (String.valueOf(e.getMessage()).contains("Multiple IDs found")) return null;
                throw e;
            }
        });
        // Inspect also matches id prefixes: insist on the exact name and our label.
        if (container == null || !("/" + name).equals(container.getName()) || container.getConfig() == null
                || container.getConfig().getLabels() == null
                || !"true".equals(container.getConfig().getLabels().get(Labels.MANAGED))) {
            throw VmException.notFound("container " + name + " not found or not managed by VM Routes");
        }
        return container;
    }

    /** Every managed container, running or not, from one engine call. */
    public List<Container> listManaged() {
        return EngineErrors.read(() -> docker.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(Labels.MANAGED, "true")).exec())
                .stream().filter(c -> c.getLabels() != null && "true".equals(c.getLabels().get(Labels.MANAGED)))
                .toList();
    }

    /**
     * Refuses an agent name that differs only in case from one a managed container already runs
     * under: on a shared network both would answer to one DNS alias.
     */
    public void checkNameIsOwn(String agentName) {
        listManaged().stream().map(c -> c.getLabels().get(Labels.AGENT))
                .filter(other -> other != null && !other.equals(agentName) && other.equalsIgnoreCase(agentName))
                .findFirst().ifPresent(other -> {
                    throw VmException.conflict("agent " + other + " exists: agent names differ in more than case");
                });
    }

    /** Whether a container of that exact name exists now. */
    public boolean exists(String name) {
        return EngineErrors.read(() -> {
            try {
                return ("/" + name).equals(docker.inspectContainerCmd(name).exec().getName());
            } catch (NotFoundException e) {
                return false;
            }
        });
    }

    /** The agent's managed containers, running or not, from one engine call. */
    public List<Container> ofAgent(String agentName) {
        return EngineErrors.read(() -> docker.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(Labels.MANAGED, "true", Labels.AGENT, agentName)).exec())
                .stream().filter(c -> c.getLabels() != null && "true".equals(c.getLabels().get(Labels.MANAGED))
                        && agentName.equals(c.getLabels().get(Labels.AGENT)))
                .toList();
    }

    /**
     * The environment a container was given, without what its image sets: for a container of one
     * of our images, exactly the deploy's {@code environment}.
     */
    public Map<String, String> givenEnvironment(InspectContainerResponse container) {
        java.util.Set<String> fromImage = IMAGE_ENV.computeIfAbsent(container.getImageId(), id -> {
            String[] env = EngineErrors.read(() -> docker.inspectImageCmd(id).exec()).getConfig().getEnv();
            return env == null ? java.util.Set.of() : java.util.Set.copyOf(new java.util.HashSet<>(List.of(env)));
        });
        Map<String, String> given = new java.util.LinkedHashMap<>();
        String[] env = container.getConfig().getEnv();
        for (String entry : env == null ? new String[0] : env) {
            int eq = entry.indexOf('=');
            if (eq > 0 && !fromImage.contains(entry)) given.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return given;
    }

    /** Stops the container (a stopped one is no error) and removes it when asked. */
    public void stop(String containerId, boolean remove) {
        EngineErrors.run(() -> {
            try {
                docker.stopContainerCmd(containerId).withTimeout(10).exec();
            } catch (NotModifiedException alreadyStopped) {
                // stopping a stopped container is not an error
            }
            if (remove) {
                try {
                    docker.removeContainerCmd(containerId).withRemoveVolumes(true).exec();
                } catch (NotFoundException alreadyGone) {
                    // removed meanwhile
                } catch (com.github.dockerjava.api.exception.ConflictException e) {
                    // A deploy ended by this stop removes its container too: whoever is first, it goes.
                    if (!String.valueOf(e.getMessage()).contains("already in progress")) throw e;
                }
            }
        });
    }

    /** Stops a container and keeps it; never throws. */
    public void stopQuietly(String containerId) {
        if (containerId == null) return;
        try {
            stop(containerId, false);
        } catch (RuntimeException e) {
            LOG.error("could not stop container {}: {}", containerId, Redactor.describe(e));
        }
    }

    /** Removes a container a failed deploy left; never throws. */
    public void removeQuietly(String containerId) {
        if (containerId == null) return;
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
            // already removed
        } catch (RuntimeException e) {
            LOG.error("could not remove container {} after a failed deploy: {}", containerId, Redactor.describe(e));
        }
    }

    /** The agent's volumes a listed container mounts, by short name: their container paths. */
    public static Map<String, String> volumes(Container c) {
        String agent = c.getLabels().get(Labels.AGENT);
        Map<String, String> volumes = new java.util.TreeMap<>();
        if (c.getMounts() == null) return volumes;
        for (var mount : c.getMounts()) {
            String name = AgentVolumes.shortName(agent, mount.getName());
            if (name != null) volumes.put(name, mount.getDestination());
        }
        return volumes;
    }

    /** The network a listed container's agent asked for; null when it shares none. */
    public static String network(Container c) {
        if (c.getLabels() != null && c.getLabels().containsKey(Labels.NETWORK)) return c.getLabels().get(Labels.NETWORK);
        // Containers made before the label named the network by name.
        return c.getHostConfig() == null ? null : AgentNetworks.requested(c.getHostConfig().getNetworkMode());
    }

    /** The name a listed container goes by, without the engine's leading slash. */
    public static String name(Container c) {
        String[] names = c.getNames();
        return names == null || names.length == 0 ? c.getId() : names[0].replaceFirst("^/", "");
    }
}
