package dev.vmroutes.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.vmroutes.api.ApiException;
import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.DeployRequestParser;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.docker.DockerSettings;
import dev.vmroutes.docker.EngineErrors;
import dev.vmroutes.git.RepoCloner;
import dev.vmroutes.image.BuildContext;
import dev.vmroutes.image.BuildLog;
import dev.vmroutes.image.DockerfileGenerator;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentStore;
import dev.vmroutes.store.Probe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Deploys agents from Git onto the engine and manages the containers it made. Only containers
 * labelled {@code jules.managed=true} are ever listed, stopped, removed or probed.
 */
public final class VmManager {

    public static final String MANAGED_LABEL = "jules.managed";
    public static final String AGENT_LABEL = "jules.agent";
    public static final String DEPLOYMENT_LABEL = "jules.deployment";
    public static final String PORT_LABEL = "jules.port";
    public static final String IMAGE_REPOSITORY = "vm-routes-agent";
    public static final String DEFAULT_PROBE_PATH = "/health";

    private static final Logger LOG = LoggerFactory.getLogger(VmManager.class);
    private static final Pattern CONTAINER_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$");
    private static final Pattern IP_LITERAL = Pattern.compile("^(\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:]+)$");
    private static final Set<String> STOP_FIELDS = Set.of("container_name", "remove");
    private static final Set<String> GONE_STATUSES = Set.of("removed", "failed", "lost");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_PROBE_EVERY = Duration.ofMillis(10);
    private static final Duration READY_INSPECT_EVERY = Duration.ofMillis(50);

    private final DockerClient docker;
    private final DockerClient buildDocker;
    private final DockerSettings settings;
    private final DeploymentStore store;
    private final DeployRequestParser parser;
    private final RepoCloner cloner;
    private final HttpProbe probe;
    private final Function<String, String> secrets;
    private final Duration readyTimeout;
    private final int sweepConcurrency;
    private final Clock clock;
    private final Consumer<String> metricsSink;

    public VmManager(DockerClient docker, DockerClient buildDocker, DockerSettings settings, DeploymentStore store,
                     DeployRequestParser parser, RepoCloner cloner, HttpProbe probe, Function<String, String> secrets,
                     Duration readyTimeout, int sweepConcurrency, Clock clock, Consumer<String> metricsSink) {
        this.docker = docker;
        this.buildDocker = buildDocker;
        this.settings = settings;
        this.store = store;
        this.parser = parser;
        this.cloner = cloner;
        this.probe = probe;
        this.secrets = secrets;
        this.readyTimeout = readyTimeout;
        this.sweepConcurrency = sweepConcurrency;
        this.clock = clock;
        this.metricsSink = metricsSink;
    }

    public DeploymentStore store() {
        return store;
    }

    /**
     * Opens the engine connection and, at the same time, makes one table read, so that the TLS
     * handshake and the clients' first-call set-up are paid before a request arrives. Failures
     * are only logged.
     */
    public void warmUp() {
        Thread table = Thread.ofPlatform().daemon().name("vm-table-warm-up").start(() -> {
            try {
                store.get("warm-up");
            } catch (RuntimeException e) {
                LOG.warn("warm-up could not read the deployment table: {}", Redactor.describe(e));
            }
        });
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            LOG.warn("warm-up could not reach the Docker engine: {}", Redactor.describe(e));
        }
        try {
            table.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- deploy

    /** Validates, clones, builds (or reuses the image), runs and records one agent. */
    public Results.Deployed deploy(JsonNode body) {
        DeployRequest request = readSecrets(parser.parse(body));
        Redactor redactor = Redactor.of(request.secrets());
        Instant now = clock.instant();
        String containerName = "jules-agent-" + request.agentName() + "-" + now.getEpochSecond();
        Deployment record = storeCall(() -> store.create(Deployment.building(UUID.randomUUID().toString(),
                request.agentName(), containerName, request.repoUrl().url(), request.branch(), now)));
        Path work;
        try {
            work = Files.createTempDirectory("vm-routes-deploy-");
        } catch (IOException e) {
            throw failed(record, "clone", "no temporary space: " + e.getMessage(), null);
        }
        try {
            return deployRecorded(request, record, work, redactor);
        } finally {
            deleteTree(work);
        }
    }

    /** Reads the secrets a request names; one that cannot be read is the caller's mistake (400), found before anything is made. */
    private DeployRequest readSecrets(DeployRequest request) {
        if (request.authTokenSecret() == null && request.sshKeySecret() == null) return request;
        String token = request.authTokenSecret() == null ? request.authToken() : readSecret("auth_token_secret", request.authTokenSecret());
        String key = request.sshKeySecret() == null ? null : readSecret("ssh_key_secret", request.sshKeySecret());
        return request.withSecrets(token, key);
    }

    private String readSecret(String field, String secretId) {
        String value;
        try {
            value = secrets.apply(secretId);
        } catch (RuntimeException e) {
            LOG.warn("cannot read secret {} for {}: {}", secretId, field, Redactor.describe(e));
            throw ApiException.invalid(field, "secret " + secretId + " cannot be read");
        }
        if (value == null || value.isBlank()) throw ApiException.invalid(field, "secret " + secretId + " is empty");
        return value.strip();
    }

    private Results.Deployed deployRecorded(DeployRequest request, Deployment record, Path work, Redactor redactor) {
        Image image = image(request, record, work, redactor);
        String containerId = startContainer(request, record, image, redactor);
        try {
            InspectContainerResponse state = awaitReady(containerId, request.exposePort());
            Map<String, Integer> ports = boundPorts(state);
            String status = state.getState().getStatus();
            Deployment running = storeCall(() -> store.update(record.running(state.getId(), image.commit(), image.tag(), status, ports, clock.instant())));
            LOG.info("deployed {} ({}) commit {} image {} status {}", running.containerName(), running.id(), image.commit(), image.tag(), status);
            Long exitCode = "running".equals(status) ? null : state.getState().getExitCodeLong();
            return new Results.Deployed(state.getId(), record.containerName(), status, ports, record.id(), image.commit(),
                    image.tag(), image.reused(), exitCode);
        } catch (RuntimeException e) {
            removeQuietly(containerId);
            recordFailure(record, "start", redactor.describeError(e), image.commit());
            throw e;
        }
    }

    /** The image a deploy runs: its commit, its tag, and whether it existed already. */
    private record Image(String commit, String tag, boolean reused) {
    }

    /**
     * Asks the server for the branch's commit; when an image of that commit with these settings
     * exists it is reused without cloning, else the branch is fetched and the image built.
     */
    private Image image(DeployRequest request, Deployment record, Path work, Redactor redactor) {
        Path tree = work.resolve("repo");
        String commit;
        String tag;
        boolean reused;
        try (RepoCloner.Remote remote = cloner.open(request, tree)) {
            // The commit fixes the tree (and so whether it has requirements.txt); with the settings it fixes the image.
            commit = remote.headCommit();
            tag = imageTag(commit, request);
            reused = imageExists(record, tag);
            if (!reused) {
                String checkedOut = remote.checkout();
                if (!checkedOut.equals(commit)) {
                    commit = checkedOut;
                    tag = imageTag(commit, request);
                    reused = imageExists(record, tag);
                }
            }
        } catch (RepoCloner.CloneFailedException e) {
            throw failed(record, "clone", redactor.redact(e.getMessage()), null);
        }
        if (!reused) {
            String dockerfile = DockerfileGenerator.generate(request, Files.isRegularFile(tree.resolve("requirements.txt")));
            build(record, tree, work.resolve("context.tar"), dockerfile, tag, commit, redactor);
        }
        return new Image(commit, tag, reused);
    }

    /** Creates and starts the container; on failure removes it and records why. */
    private String startContainer(DeployRequest request, Deployment record, Image image, Redactor redactor) {
        String containerId = null;
        try {
            containerId = engine(() -> docker.createContainerCmd(image.tag())
                    .withName(record.containerName())
                    .withLabels(Map.of(MANAGED_LABEL, "true", AGENT_LABEL, request.agentName(),
                            DEPLOYMENT_LABEL, record.id(), PORT_LABEL, Integer.toString(request.exposePort())))
                    .withEnv(request.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withExposedPorts(ExposedPort.tcp(request.exposePort()))
                    .withHostConfig(hostConfig(request.exposePort(), request.limits()))
                    .exec().getId());
            String id = containerId;
            engine(() -> {
                docker.startContainerCmd(id).exec();
                return null;
            });
            return containerId;
        } catch (ConflictException e) {
            removeQuietly(containerId);
            recordFailure(record, "start", "container name " + record.containerName() + " is taken", image.commit());
            throw ApiException.conflict("container " + record.containerName() + " already exists; retry in a second");
        } catch (DockerException e) {
            removeQuietly(containerId);
            throw failed(record, "start", redactor.redact(engineMessage(e)), image.commit());
        } catch (RuntimeException e) {
            removeQuietly(containerId);
            recordFailure(record, "start", redactor.describeError(e), image.commit());
            throw e;
        }
    }

    /** Images are named by what determines them: the commit and the settings the Dockerfile is written from. */
    private static String imageTag(String commit, DeployRequest request) {
        return IMAGE_REPOSITORY + ":" + sha256(commit + "\n" + DockerfileGenerator.generate(request, false)).substring(0, 32);
    }

    private boolean imageExists(Deployment record, String image) {
        try {
            return engine(() -> {
                try {
                    docker.inspectImageCmd(image).exec();
                    return true;
                } catch (NotFoundException e) {
                    return false;
                }
            });
        } catch (ApiException e) {
            recordFailure(record, "build", e.detail(), null);
            throw e;
        }
    }

    private void build(Deployment record, Path tree, Path tar, String dockerfile, String image, String commit, Redactor redactor) {
        BuildLog log = new BuildLog();
        try {
            BuildContext.write(tree, dockerfile, tar);
            try (InputStream context = Files.newInputStream(tar)) {
                buildDocker.buildImageCmd(context)
                        .withDockerfilePath(DockerfileGenerator.FILE_NAME)
                        .withTags(Set.of(image))
                        .withPull(false)
                        .withRemove(true)
                        .withForcerm(true)
                        .exec(log);
                log.awaitImageId(settings.buildTimeout().toSeconds(), TimeUnit.SECONDS);
            }
        } catch (DockerClientException | DockerException e) {
            removeLayers(log.layerImages());
            String tail = log.tail();
            throw failed(record, "build", redactor.redact(tail.isBlank() ? engineMessage(e) : tail), commit);
        } catch (IOException e) {
            throw failed(record, "build", redactor.redact(e.getMessage()), commit);
        } catch (RuntimeException e) {
            removeLayers(log.layerImages());
            Optional<ApiException> unreachable = engineUnreachable(e);
            recordFailure(record, "build", unreachable.map(ApiException::detail).orElseGet(() -> redactor.describeError(e)), commit);
            throw unreachable.<RuntimeException>map(u -> u).orElse(e);
        }
    }

    /** Removes the untagged layers a failed build left; layers other images still use are refused by the engine and kept. */
    private void removeLayers(List<String> layers) {
        List<String> newestFirst = new ArrayList<>(layers);
        java.util.Collections.reverse(newestFirst);
        for (String layer : newestFirst) {
            try {
                var inspected = docker.inspectImageCmd(layer).exec();
                if (inspected.getRepoTags() == null || inspected.getRepoTags().isEmpty()) {
                    docker.removeImageCmd(layer).withForce(false).exec();
                }
            } catch (RuntimeException e) {
                LOG.debug("kept layer {}: {}", layer, e.getMessage());
            }
        }
    }

    private HostConfig hostConfig(int port, ContainerLimits limits) {
        String address = settings.publishAddress();
        String bindIp = IP_LITERAL.matcher(address).matches() ? address : "0.0.0.0";
        return HostConfig.newHostConfig()
                .withPortBindings(new PortBinding(Ports.Binding.bindIp(bindIp), ExposedPort.tcp(port)))
                .withPrivileged(false)
                .withNetworkMode("bridge")
                .withSecurityOpts(List.of("no-new-privileges:true"))
                .withCapDrop(Capability.ALL)
                .withCapAdd(Capability.NET_BIND_SERVICE)
                .withMemory(limits.memoryBytes())
                .withMemorySwap(limits.memoryBytes())
                .withNanoCPUs(limits.nanoCpus())
                .withPidsLimit(limits.pids());
    }

    /**
     * Waits until the service answers HTTP on its published port, the container stops, or the
     * ready timeout passes. The port is tried every 10 ms (a refused try costs well under a
     * millisecond); the engine is asked for the container's state only every 50 ms.
     */
    private InspectContainerResponse awaitReady(String containerId, int port) {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        InspectContainerResponse state = engine(() -> docker.inspectContainerCmd(containerId).exec());
        long nextInspect = System.nanoTime() + READY_INSPECT_EVERY.toNanos();
        while (Boolean.TRUE.equals(state.getState().getRunning()) && System.nanoTime() < deadline) {
            Integer hostPort = boundPorts(state).get(port + "/tcp");
            if (hostPort != null && probe.get(settings.publishAddress(), hostPort, "/").statusCode() != null) return state;
            sleep(READY_PROBE_EVERY);
            if (hostPort == null || System.nanoTime() > nextInspect) {
                state = engine(() -> docker.inspectContainerCmd(containerId).exec());
                nextInspect = System.nanoTime() + READY_INSPECT_EVERY.toNanos();
            }
        }
        return state;
    }

    private ApiException failed(Deployment record, String phase, String reason, String commit) {
        recordFailure(record, phase, reason, commit);
        LOG.warn("deploy {} failed in {}: {}", record.id(), phase, reason);
        return ApiException.deployFailed(phase, reason);
    }

    private void recordFailure(Deployment record, String phase, String reason, String commit) {
        try {
            store.update(record.failed(phase, reason, commit, clock.instant()));
        } catch (RuntimeException e) {
            LOG.error("could not record the failure of deployment {}: {}", record.id(), Redactor.describe(e));
        }
    }

    private void removeQuietly(String containerId) {
        if (containerId == null) return;
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
            // already removed
        } catch (RuntimeException e) {
            LOG.error("could not remove container {} after a failed deploy: {}", containerId, Redactor.describe(e));
        }
    }

    // ---------------------------------------------------------------- list

    /** Every managed container, running or not, from one engine call, joined with the store's records. */
    public List<Results.Listed> list() {
        Managed managed = managedWithRecords();
        List<Results.Listed> rows = new ArrayList<>();
        for (Container c : managed.containers()) {
            String name = containerName(c);
            Deployment d = managed.records().get(name);
            rows.add(new Results.Listed(c.getId(), name, c.getState(),
                    c.getCreated() == null ? null : Instant.ofEpochSecond(c.getCreated()).toString(),
                    ports(c), c.getLabels().get(AGENT_LABEL),
                    d == null ? c.getLabels().get(DEPLOYMENT_LABEL) : d.id(),
                    d == null ? null : d.commitSha(),
                    d == null ? null : d.lastProbeOutcome(),
                    d == null || d.lastProbeAt() == null ? null : d.lastProbeAt().toString()));
        }
        rows.sort(Comparator.comparing(Results.Listed::containerName));
        return rows;
    }

    /** The managed containers and the table's newest record per container name. */
    private record Managed(List<Container> containers, Map<String, Deployment> records) {
    }

    /** Reads the engine (one call) and the table at the same time. */
    private Managed managedWithRecords() {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Map<String, Deployment>> records = pool.submit(this::recordsByContainerName);
            List<Container> containers = managedContainers();
            return new Managed(containers, await(records));
        }
    }

    private List<Container> managedContainers() {
        return engine(() -> docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(MANAGED_LABEL, "true")).exec())
                .stream().filter(c -> c.getLabels() != null && "true".equals(c.getLabels().get(MANAGED_LABEL)))
                .toList();
    }

    private Map<String, Deployment> recordsByContainerName() {
        Map<String, Deployment> byName = new LinkedHashMap<>();
        for (Deployment d : storeCall(store::list)) {
            byName.merge(d.containerName(), d, (a, b) -> a.createdAt().isAfter(b.createdAt()) ? a : b);
        }
        return byName;
    }

    private static String containerName(Container c) {
        String[] names = c.getNames();
        return names == null || names.length == 0 ? c.getId() : names[0].replaceFirst("^/", "");
    }

    private static Map<String, Integer> ports(Container c) {
        Map<String, Integer> ports = new TreeMap<>();
        if (c.getPorts() != null) {
            for (ContainerPort p : c.getPorts()) {
                if (p.getPublicPort() != null && p.getPrivatePort() != null) {
                    ports.put(p.getPrivatePort() + "/" + p.getType(), p.getPublicPort());
                }
            }
        }
        return ports;
    }

    // ---------------------------------------------------------------- stop

    public Results.Stopped stop(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.invalid("body", "must be a JSON object");
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!STOP_FIELDS.contains(field)) throw ApiException.invalid(field.length() > 64 ? field.substring(0, 64) : field, "unknown field");
        }
        JsonNode nameNode = body.get("container_name");
        if (nameNode == null || nameNode.isNull()) throw ApiException.invalid("container_name", "is required");
        if (!nameNode.isTextual()) throw ApiException.invalid("container_name", "must be a string");
        JsonNode removeNode = body.get("remove");
        if (removeNode != null && !removeNode.isNull() && !removeNode.isBoolean()) {
            throw ApiException.invalid("remove", "must be true or false");
        }
        boolean remove = removeNode == null || removeNode.isNull() || removeNode.booleanValue();
        String name = nameNode.textValue();
        InspectContainerResponse container = findManaged(name);
        engine(() -> {
            try {
                docker.stopContainerCmd(container.getId()).withTimeout(10).exec();
            } catch (NotModifiedException alreadyStopped) {
                // stopping a stopped container is not an error
            }
            if (remove) {
                try {
                    docker.removeContainerCmd(container.getId()).withRemoveVolumes(true).exec();
                } catch (NotFoundException alreadyGone) {
                    // removed meanwhile
                }
            }
            return null;
        });
        updateRecord(name, d -> d.withStatus(remove ? "removed" : "stopped", clock.instant()));
        LOG.info("stopped {} (removed: {})", name, remove);
        return new Results.Stopped(name, remove);
    }

    // ---------------------------------------------------------------- health

    public Results.Health health(String name, String path) {
        String probePath = path == null ? DEFAULT_PROBE_PATH : path;
        if (!HttpProbe.isPlainPath(probePath)) {
            throw ApiException.invalid("path", "must be a plain absolute path such as /health");
        }
        InspectContainerResponse container = findManaged(name);
        var state = container.getState();
        String healthStatus = state.getHealth() == null || state.getHealth().getStatus() == null ? "none" : state.getHealth().getStatus();
        Results.Probe result;
        if (!Boolean.TRUE.equals(state.getRunning())) {
            result = new Results.Probe(null, null, "container is not running", null);
        } else {
            Integer hostPort = hostPort(container);
            result = hostPort == null
                    ? new Results.Probe(null, null, "no published port", null)
                    : toProbe(hostPort, probePath, probe.get(settings.publishAddress(), hostPort, probePath));
        }
        return new Results.Health(name, state.getStatus(), healthStatus, result);
    }

    private Results.Probe toProbe(int hostPort, String path, HttpProbe.ProbeResult r) {
        String host = settings.publishAddress().contains(":") ? "[" + settings.publishAddress() + "]" : settings.publishAddress();
        return new Results.Probe(r.statusCode(), r.response(), r.error(), "http://" + host + ":" + hostPort + path);
    }

    private static Integer hostPort(InspectContainerResponse container) {
        Map<String, String> labels = container.getConfig().getLabels();
        return agentPort(boundPorts(container), labels == null ? null : labels.get(PORT_LABEL));
    }

    /** The host port of the agent's own port (its label), else of the first published one; null when none is. */
    private static Integer agentPort(Map<String, Integer> published, String portLabel) {
        if (portLabel != null && published.containsKey(portLabel + "/tcp")) return published.get(portLabel + "/tcp");
        return published.values().stream().findFirst().orElse(null);
    }

    private static Map<String, Integer> boundPorts(InspectContainerResponse state) {
        Map<String, Integer> ports = new TreeMap<>();
        var settings = state.getNetworkSettings();
        if (settings == null || settings.getPorts() == null) return ports;
        settings.getPorts().getBindings().forEach((exposed, bindings) -> {
            if (bindings == null) return;
            for (Ports.Binding b : bindings) {
                if (b.getHostPortSpec() != null && !b.getHostPortSpec().isBlank()) {
                    ports.putIfAbsent(exposed.getPort() + "/" + exposed.getProtocol(), Integer.valueOf(b.getHostPortSpec()));
                }
            }
        });
        return ports;
    }

    /** The named container if it exists, carries our label and has exactly that name; else 404. */
    private InspectContainerResponse findManaged(String name) {
        if (name == null || !CONTAINER_NAME.matcher(name).matches()) {
            throw ApiException.invalid("container_name", "must be a container name (letters, digits, '_', '.', '-')");
        }
        InspectContainerResponse container = engine(() -> {
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
                || !"true".equals(container.getConfig().getLabels().get(MANAGED_LABEL))) {
            throw ApiException.notFound("container " + name + " not found or not managed by VM Routes");
        }
        return container;
    }

    // ---------------------------------------------------------------- sweep

    /**
     * Probes every managed container ({@code sweepConcurrency} at a time), records every outcome
     * in one batched write, marks records whose container vanished as lost, counts containers
     * with no record, and writes the counts as one CloudWatch Embedded Metric Format line.
     */
    public Results.SweepSummary sweep() {
        long start = System.nanoTime();
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        Managed managed = managedWithRecords();
        Set<String> seen = new java.util.HashSet<>();
        List<Probe> probes = new ArrayList<>();
        int unrecorded = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore inFlight = new Semaphore(sweepConcurrency);
            List<Future<Probe>> tasks = new ArrayList<>();
            for (Container c : managed.containers()) {
                String name = containerName(c);
                seen.add(name);
                Deployment record = managed.records().get(name);
                if (record == null) {
                    unrecorded++;
                    LOG.warn("managed container {} has no deployment record", name);
                }
                tasks.add(pool.submit(() -> {
                    inFlight.acquireUninterruptibly();
                    try {
                        String outcome = sweepOutcome(c);
                        outcomes.merge(outcome, 1, Integer::sum);
                        return record == null ? null : new Probe(record.id(), outcome, c.getState(), clock.instant());
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<Probe> task : tasks) {
                try {
                    Probe probe = task.get();
                    if (probe != null) probes.add(probe);
                } catch (Exception e) {
                    outcomes.merge("error", 1, Integer::sum);
                    LOG.error("sweep task failed: {}", Redactor.describe(e));
                }
            }
        }
        storeCall(() -> {
            store.recordProbes(probes);
            return null;
        });
        int lost = 0;
        Instant now = clock.instant();
        for (Deployment d : managed.records().values()) {
            if (seen.contains(d.containerName()) || GONE_STATUSES.contains(d.status())) continue;
            boolean staleBuild = "building".equals(d.status())
                    && d.createdAt().isBefore(now.minus(settings.buildTimeout().multipliedBy(2)));
            if ("building".equals(d.status()) && !staleBuild) continue;
            updateRecord(d, r -> r.withStatus("lost", clock.instant()));
            lost++;
        }
        long durationMs = (System.nanoTime() - start) / 1_000_000;
        Map<String, Integer> counts = new TreeMap<>(outcomes);
        var summary = new Results.SweepSummary(managed.containers().size(), counts, lost, unrecorded, durationMs);
        metricsSink.accept(Metrics.sweepLine(summary, now));
        return summary;
    }

    /** The result of a task; its own failure (an ApiException, say) is thrown as it was. */
    private static <T> T await(Future<T> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    private String sweepOutcome(Container c) {
        if (!"running".equals(c.getState())) return "not_running";
        String status = c.getStatus() == null ? "" : c.getStatus();
        String dockerHealth = status.contains("(unhealthy)") ? "unhealthy"
                : status.contains("(health: starting)") ? "starting"
                : status.contains("(healthy)") ? "healthy" : "none";
        Integer hostPort = agentPort(ports(c), c.getLabels().get(PORT_LABEL));
        if (hostPort == null) return "unhealthy";
        HttpProbe.ProbeResult r = probe.get(settings.publishAddress(), hostPort, DEFAULT_PROBE_PATH);
        if (r.ok() && !"unhealthy".equals(dockerHealth)) return "healthy";
        // Still in its start period and not answering yet; an HTTP answer, even an error, is a verdict.
        if (r.statusCode() == null && "starting".equals(dockerHealth)) return "starting";
        return "unhealthy";
    }

    // ---------------------------------------------------------------- helpers

    /** Applies {@code change} to a record just read; if another writer won meanwhile, reads it again and retries. */
    private void updateRecord(Deployment read, java.util.function.UnaryOperator<Deployment> change) {
        try {
            storeCall(() -> store.update(change.apply(read)));
        } catch (DeploymentStore.ConflictingWriteException raced) {
            updateRecord(read.containerName(), change);
        }
    }

    /** Applies {@code change} to the newest record of {@code containerName}, re-reading if another writer won. */
    private void updateRecord(String containerName, java.util.function.UnaryOperator<Deployment> change) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Deployment> current = storeCall(() -> store.findByContainerName(containerName));
            if (current.isEmpty()) return;
            try {
                storeCall(() -> store.update(change.apply(current.get())));
                return;
            } catch (DeploymentStore.ConflictingWriteException raced) {
                // read again and retry
            }
        }
        LOG.warn("gave up recording a change to {} after repeated write conflicts", containerName);
    }

    private static <T> T engine(Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw engineUnreachable(e).<RuntimeException>map(u -> u).orElse(e);
        }
    }

    /** A 503 when {@code e} means the engine could not be reached; empty for anything the engine answered. */
    private static Optional<ApiException> engineUnreachable(RuntimeException e) {
        return EngineErrors.unreachable(e).map(reason -> ApiException.unavailable("Docker engine", reason, e));
    }

    private static <T> T storeCall(Supplier<T> call) {
        try {
            return call.get();
        } catch (DeploymentStore.StoreUnavailableException e) {
            throw ApiException.unavailable("deployment table", Redactor.describe(e), e);
        }
    }

    /** The engine's own message from an error response body such as {@code {"message": "..."}}. */
    private static String engineMessage(Exception e) {
        String text = String.valueOf(e.getMessage());
        int brace = text.indexOf('{');
        if (brace >= 0) {
            try {
                JsonNode node = JSON.readTree(text.substring(brace));
                if (node.hasNonNull("message")) return node.get("message").asText();
            } catch (IOException notJson) {
                // keep the whole text
            }
        }
        return text;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("could not delete {}", p);
                }
            });
        } catch (IOException e) {
            LOG.warn("could not clean {}", root);
        }
    }
}
