package dev.vmroutes.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.ContainerSpec;
import dev.vmroutes.docker.Images;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.swarm.AgentServices;
import dev.vmroutes.swarm.Rollout;
import dev.vmroutes.swarm.ServiceSpecs;
import dev.vmroutes.swarm.SwarmViews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts a version in service on a Swarm, for a deploy and a rollback alike: the image pushed and
 * named by digest, the agent's service made or updated (its published port kept), its new tasks
 * awaited. An update Swarm rolled back is a failure in phase {@code ready}: the previous version
 * keeps serving. A wait cut short (a cancel, the deadline) undoes what it started.
 *
 * @param registry the repository images are pushed to
 */
record ReleaseService(AgentServices services, ServiceSpecs specs, Images images, String registry, RecordDeployment recordDeployment,
                      DeploymentRecords records, Duration readyTimeout, Clock clock) {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseService.class);

    /** The image every node runs: an image already named by digest (a rollback's) as it is, else the local tag pushed. */
    String publish(DeployRun run, String image) {
        if (image.contains("@sha256:")) return image;
        return run.phase("push", () -> {
            try {
                return images.push(image, registry, services.registry().authConfig());
            } catch (com.github.dockerjava.api.exception.DockerClientException | com.github.dockerjava.api.exception.DockerException e) {
                if (dev.vmroutes.docker.EngineErrors.asUnavailable(e).isPresent()) throw e;
                throw VmException.deployFailed("push", run.redactor().redact(dev.vmroutes.docker.EngineErrors.message(e)));
            }
        });
    }

    /**
     * The settings with the agent's volumes (a deploy that names none keeps those its service
     * mounts) and the node they live on: the one its service is pinned to, or its last
     * deployment's, or for new volumes the least busy node now. Without volumes, no node.
     */
    Deployment.RunSettings place(dev.vmroutes.api.DeployRequest request, Deployment.RunSettings s) {
        String agent = request.agentName();
        Optional<JsonNode> service = services.find(ServiceSpecs.serviceName(agent));
        Map<String, String> volumes = request.volumes() != null ? request.volumes() : service.map(ServiceSpecs::volumes).orElse(Map.of());
        Deployment.RunSettings settings = new Deployment.RunSettings(s.port(), s.memoryBytes(), s.nanoCpus(), s.pids(), volumes,
                s.network(), s.replicas(), null);
        if (volumes.isEmpty()) return settings;
        String node = service.map(found -> ServiceSpecs.labels(found).get(ServiceSpecs.VOLUME_NODE))
                .or(() -> records.ofAgent(agent, Rollback.HISTORY_LOOKED_AT).stream()
                        .map(d -> d.settings() == null ? null : d.settings().volumeNode()).filter(java.util.Objects::nonNull).findFirst())
                .orElseGet(services::leastBusyNode);
        return settings.onNode(node);
    }

    /** The environment the agent's service runs with: a rollback keeps it unless it is given one. */
    Map<String, String> environment(String agent) {
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        services.find(ServiceSpecs.serviceName(agent)).ifPresent(s -> s.path("Spec").path("TaskTemplate").path("ContainerSpec").path("Env")
                .forEach(e -> {
                    String entry = e.asText();
                    int eq = entry.indexOf('=');
                    if (eq > 0) environment.put(entry.substring(0, eq), entry.substring(eq + 1));
                }));
        return environment;
    }

    Results.Deployed release(DeployRun run, ContainerSpec spec, Deployment.RunSettings settings, String commit, String image,
                             boolean imageReused) {
        Optional<JsonNode> existing = services.find(spec.name());
        int replicas = settings.replicas();
        String serviceId = run.phase("start", () -> {
            String networkId = spec.network() == null ? null : services.network(spec.network());
            boolean startFirst = startFirst(spec, replicas);
            if (existing.isPresent()) {
                int port = ServiceSpecs.publishedPort(existing.get());
                services.update(existing.get(), specs.spec(spec, image, replicas, port, networkId, settings.volumeNode(), startFirst));
                return existing.get().path("ID").asText();
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    return services.create(specs.spec(spec, image, replicas, services.freePort(), networkId, settings.volumeNode(), startFirst));
                } catch (com.github.dockerjava.api.exception.BadRequestException e) {
                    // Another agent took the port between the look and the create: pick again.
                    if (attempt == 3 || !String.valueOf(e.getMessage()).contains("already in use")) throw e;
                }
            }
        });
        Rollout.Outcome outcome;
        Deployment record;
        try {
            outcome = run.phase("ready", () -> new Rollout(services).await(serviceId, image, replicas,
                    existing.map(s -> s.path("UpdateStatus")).orElse(null), waitLimit(replicas), () -> recordDeployment.cancelRequested(run)));
            if (outcome.rolledBack()) {
                throw VmException.deployFailed("ready", run.redactor().redact(outcome.reason() + "; the previous version keeps serving"));
            }
            if (!outcome.ready() && existing.isPresent()) {
                // As on a single engine: a version that would replace another and is not ready in time never replaces it.
                undo(serviceId, true);
                throw VmException.deployFailed("ready", run.redactor().redact("the new tasks were not ready: " + outcome.reason()
                        + "; the previous version keeps serving"));
            }
            String status = SwarmViews.status(outcome.service(), outcome.tasks());
            record = recordDeployment.finish(run, commit, image, imageReused, serviceId, status, ports(spec, outcome), outcome.ready());
        } catch (RuntimeException e) {
            // Swarm undid its own update, or it was undone above; anything else (a cancel, the deadline, a lost lease) is undone here.
            if (!(e instanceof VmException v && v.kind() == VmException.Kind.DEPLOY_FAILED)) undo(serviceId, existing.isPresent());
            throw e;
        }
        SwarmViews views = new SwarmViews(services.nodes());
        String status = SwarmViews.status(outcome.service(), outcome.tasks());
        Map<String, Integer> ports = ports(spec, outcome);
        String previous = existing.map(s -> ServiceSpecs.labels(s).get(Labels.DEPLOYMENT)).orElse(null);
        List<String> replaced = List.of();
        if (outcome.ready() && previous != null && !previous.equals(record.id())) {
            records.change(previous, d -> d.replaced(record.id(), clock.instant()));
            replaced = List.of(spec.name());
        }
        return new Results.Deployed(serviceId, spec.name(), status, ports, record.id(), commit, image, imageReused, null,
                run.phases(), outcome.ready(), replaced, null, record.rollbackOf(),
                outcome.ready() ? null : run.redactor().redact(outcome.reason()),
                SwarmViews.replicas(outcome.service(), outcome.tasks()), views.current(outcome.tasks()),
                views.addresses(specs.hostPublish(), outcome.tasks()));
    }

    private static Map<String, Integer> ports(ContainerSpec spec, Rollout.Outcome outcome) {
        return Map.of(spec.port() + "/tcp", ServiceSpecs.publishedPort(outcome.service()));
    }

    /**
     * New tasks start before old ones stop, unless the agent has volumes (one writer for its data)
     * or, publishing on each node, every node already runs one of its tasks.
     */
    private boolean startFirst(ContainerSpec spec, int replicas) {
        if (!spec.volumes().isEmpty()) return false;
        if (!specs.hostPublish()) return true;
        long nodes = services.nodes().stream().filter(n -> "ready".equals(n.path("Status").path("State").asText())
                && "active".equals(n.path("Spec").path("Availability").asText())).count();
        return replicas < nodes;
    }

    /** Pulling on each node, then each task in turn through its health check and the monitor period. */
    private Duration waitLimit(int replicas) {
        return readyTimeout.plus(readyTimeout.plus(specs.monitor()).multipliedBy(replicas)).plusSeconds(60);
    }

    /** A new service goes; an updated one returns to its previous spec. Never throws: the failure at hand is what is reported. */
    private void undo(String serviceId, boolean updated) {
        boolean interrupted = Thread.interrupted();
        try {
            if (!updated) services.remove(serviceId);
            else {
                JsonNode service = services.engine().get("/services/" + serviceId);
                services.engine().post("/services/" + serviceId + "/update?rollback=previous&version="
                        + service.path("Version").path("Index").asLong(), service.path("Spec"), services.registry().header());
            }
        } catch (RuntimeException e) {
            LOG.error("could not undo the release of service {}: {}", serviceId, Redactor.describe(e));
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
