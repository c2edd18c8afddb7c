package dev.vmroutes.config;

import dev.vmroutes.api.ContainerLimits;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every setting, read from the environment in this one place and checked as a whole: a wrong or
 * missing one is a {@link ConfigException} naming every variable at fault.
 *
 * @param tableName     the DynamoDB table; null means the embedded store in {@code dataDir}
 * @param onLambda      running as a Lambda function (the template owns the table there)
 * @param sweepInterval how often the local server sweeps; null: never
 * @param keepImages    how many of an agent's latest successful deployments keep their image
 * @param batchConcurrency how many items of a batch run at once
 * @param authenticated whether the local server asks callers for a credential (a token, a tokens file or a JWT issuer); without, loopback only
 * @param requestDeadline what every API call has, engine, table, Git and probes included: below API Gateway's 30 s
 * @param secretPrefix  the only secret names a request may read by reference; null: secrets by reference are off
 * @param deploys       how deploys are queued and how long the deploy route waits for one
 * @param buildLogTable the DynamoDB table of build output (by default the records' table's name with {@code -logs})
 * @param auditTable    the DynamoDB table of the audit trail (by default the records' table's name with {@code -audit})
 * @param metricsPerAgent also publish each operation's metrics by agent (custom metrics for every agent, each billed)
 * @param tracing       X-Ray subsegments for a deploy's phases and calls: on Lambda with active tracing, locally with {@code VM_TRACING=xray}
 * @param healthTable   the DynamoDB table of health samples (by default the records' table's name with {@code -health})
 * @param swarm         how agents run on a Docker Swarm ({@code VM_ENGINE_MODE=swarm}); null: containers on one engine
 */
public record VmConfig(
        Engine engine,
        String tableName,
        Path dataDir,
        boolean onLambda,
        String region,
        Set<String> gitAllowedHosts,
        Path sshKeyDir,
        Path sshKnownHosts,
        Duration gitTimeout,
        Duration probeTimeout,
        Duration readyTimeout,
        int sweepConcurrency,
        Duration sweepInterval,
        ContainerLimits containerLimits,
        int keepImages,
        int batchConcurrency,
        boolean authenticated,
        String bindAddress,
        Duration requestDeadline,
        String secretPrefix,
        Deploys deploys,
        String buildLogTable,
        String auditTable,
        boolean metricsPerAgent,
        boolean tracing,
        String healthTable,
        Swarm swarm) {

    /**
     * Agents as Swarm services: the engine is a manager, images are built on the builder and
     * pushed to the registry, services run them by digest.
     *
     * @param builderHost  the engine that builds images ({@code VM_BUILDER_DOCKER_HOST}, same TLS material); null: the manager
     * @param registry     the repository images are pushed to, {@code host[:port]/path} ({@code VM_REGISTRY})
     * @param registryAuth where its credentials come from: a secret's name, {@code ecr}, or null for a registry without login
     * @param maxReplicas  the most tasks one agent may ask for ({@code VM_MAX_REPLICAS})
     * @param publishMode  {@code ingress} (the routing mesh) or {@code host} (each node publishes its own tasks)
     */
    public record Swarm(URI builderHost, String registry, String registryAuth, int maxReplicas, String publishMode) {

        public boolean hostPublishing() {
            return "host".equals(publishMode);
        }
    }

    /** The most replicas a deploy may ask for: 1 on a single engine. */
    public int maxReplicas() {
        return swarm == null ? 1 : swarm.maxReplicas();
    }

    /**
     * @param syncBudget     how long the deploy route waits for a deploy before answering 202 with where to watch it
     * @param queueUrl       the SQS queue of the worker function; null: a pool of {@code maxBuilds} workers in this process
     * @param maxBuilds      how many deploys run at once (on AWS the worker's event source caps its concurrency to the same)
     * @param workerDeadline a worker's deadline for one deploy (below the worker function's timeout)
     * @param queueTimeout   how long a queued deploy holds its agent waiting for a worker before it is ended
     * @param lockLease      a running deploy's lease on its agent's lock, renewed every third of it
     * @param retention      how long a record nothing needs any more is kept (the table's TTL removes it after)
     */
    public record Deploys(Duration syncBudget, String queueUrl, int maxBuilds, Duration workerDeadline, Duration queueTimeout,
                          Duration lockLease, Duration retention) {
    }

    /**
     * Where the engine is and how to reach it, as the docker CLI reads it.
     *
     * @param access         whether this process may call the engine at all ({@code VM_ENGINE_ACCESS}, default true)
     * @param tlsSecret      a Secrets Manager secret with the three PEMs; wins over {@code certPath}
     * @param publishAddress the address container ports are published on and probed at
     * @param tlsPems        for local runs ({@code sam local invoke}): the secret's JSON itself, given as a variable
     * @param pipIndexUrl    the package index builds install requirements from (given to the build only); null: pip's default
     * @param buildNetwork   the network builds run on ({@code host} lets a build reach a package index on the engine's loopback); null: the engine's default
     * @param isolatedNetwork the network of agents that share none
     */
    public record Engine(boolean access, URI host, boolean tlsVerify, Path certPath, String tlsSecret, String tlsPems, String publishAddress,
                         Duration connectTimeout, Duration responseTimeout, Duration buildTimeout, String buildNetwork,
                         String pipIndexUrl, String isolatedNetwork, Bounds bounds) {

        /** Whether this process may call the engine: a function that never does is given no access and no secret. */
        public boolean reachable() {
            return access;
        }
    }

    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

    public static VmConfig fromEnvironment(Map<String, String> env) {
        Reader read = new Reader(env);
        URI host = read.dockerHost();
        boolean tlsVerify = read.flag("DOCKER_TLS_VERIFY");
        Path certPath = Path.of(read.text("DOCKER_CERT_PATH", System.getProperty("user.home") + "/.docker"));
        String tlsSecret = read.text("VM_DOCKER_TLS_SECRET", null);
        String tlsPems = read.text("VM_DOCKER_TLS", null);
        boolean onLambda = read.text("AWS_LAMBDA_FUNCTION_NAME", null) != null;
        if (tlsPems != null && onLambda && !read.flag("AWS_SAM_LOCAL")) {
            read.problem("VM_DOCKER_TLS", "is for local runs (sam local invoke); on Lambda the key belongs in VM_DOCKER_TLS_SECRET");
        }
        if (tlsPems != null && tlsSecret != null) read.problem("VM_DOCKER_TLS", "give VM_DOCKER_TLS or VM_DOCKER_TLS_SECRET, not both");
        // A function that only reads the table is given no engine access, and so no secret to reach it with.
        boolean access = !"false".equalsIgnoreCase(read.text("VM_ENGINE_ACCESS", "true"));
        if (access && host != null && "tcp".equals(host.getScheme()) && !tlsVerify && tlsSecret == null && tlsPems == null) {
            read.problem("DOCKER_HOST", host + " needs TLS: set DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH, or VM_DOCKER_TLS_SECRET");
        }
        String publish = read.text("VM_PUBLISH_ADDRESS", host == null || !"tcp".equals(host.getScheme()) ? "127.0.0.1" : host.getHost());
        Engine engine = new Engine(access, host, tlsVerify, certPath, tlsSecret, tlsPems, publish,
                read.seconds("VM_DOCKER_CONNECT_TIMEOUT_SECONDS", 5),
                read.seconds("VM_DOCKER_RESPONSE_TIMEOUT_SECONDS", 30),
                read.seconds("VM_DOCKER_BUILD_TIMEOUT_SECONDS", 600),
                buildNetwork(read),
                pipIndexUrl(read),
                read.text("VM_ISOLATED_NETWORK", "jules-isolated"),
                // 0 turns a bound off.
                new Bounds(read.size("VM_BUILD_MEMORY", 2048L << 20, 0),
                        "0".equals(read.text("VM_BUILD_CPUS", null)) ? 0 : read.cpus("VM_BUILD_CPUS", 1000),
                        read.whole("VM_BUILD_PIDS", 512, 0),
                        read.whole("VM_MAX_REPO_MB", 512, 0) << 20,
                        read.size("VM_AGENT_DISK", 1024L << 20, 0)));
        long memoryMb = read.whole("VM_CONTAINER_MEMORY_MB", 512, 16);
        long cpuMillis = read.cpus("VM_CONTAINER_CPUS", 1000);
        long pids = read.whole("VM_CONTAINER_PIDS", 256, 8);
        String interval = read.text("VM_SWEEP_INTERVAL_SECONDS", null);
        String bind = read.text("VM_BIND_ADDRESS", "127.0.0.1");
        boolean authenticated = read.text("VM_API_TOKEN", null) != null || read.text("VM_API_TOKENS_FILE", null) != null
                || read.text("VM_JWT_ISSUER", null) != null;
        VmConfig config = new VmConfig(engine,
                read.text("VM_TABLE_NAME", null),
                Path.of(read.text("VM_DATA_DIR", System.getProperty("user.home") + "/.vm-routes")),
                onLambda,
                read.text("AWS_REGION", null),
                Arrays.stream(read.text("VM_GIT_ALLOWED_HOSTS", "").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()),
                read.path("VM_SSH_KEY_DIR"),
                read.path("VM_SSH_KNOWN_HOSTS"),
                read.seconds("VM_GIT_TIMEOUT_SECONDS", 60),
                read.seconds("VM_PROBE_TIMEOUT_SECONDS", 3),
                read.seconds("VM_READY_TIMEOUT_SECONDS", 20),
                (int) read.whole("VM_SWEEP_CONCURRENCY", 8, 1),
                interval == null ? null : read.seconds("VM_SWEEP_INTERVAL_SECONDS", 0),
                new ContainerLimits(memoryMb * 1024 * 1024, cpuMillis * 1_000_000L, pids),
                (int) read.whole("VM_KEEP_IMAGES", 3, 1),
                (int) read.whole("VM_BATCH_CONCURRENCY", 4, 1),
                authenticated,
                bind,
                read.seconds("VM_REQUEST_DEADLINE_SECONDS", 25),
                read.text("VM_SECRET_PREFIX", null),
                new Deploys(read.seconds("VM_SYNC_BUDGET_SECONDS", 25), read.text("VM_DEPLOY_QUEUE_URL", null),
                        (int) read.whole("VM_MAX_CONCURRENT_BUILDS", 4, 1), read.seconds("VM_WORKER_DEADLINE_SECONDS", 840),
                        read.seconds("VM_QUEUE_TIMEOUT_SECONDS", 3600), read.seconds("VM_LOCK_LEASE_SECONDS", 60),
                        Duration.ofDays(read.whole("VM_RECORD_RETENTION_DAYS", 90, 1))),
                read.text("VM_LOG_TABLE_NAME", read.text("VM_TABLE_NAME", "vm-routes-deployments") + "-logs"),
                read.text("VM_AUDIT_TABLE_NAME", read.text("VM_TABLE_NAME", "vm-routes-deployments") + "-audit"),
                read.flag("VM_METRICS_PER_AGENT"),
                "xray".equalsIgnoreCase(read.text("VM_TRACING", "")) || onLambda && read.text("AWS_XRAY_DAEMON_ADDRESS", null) != null,
                read.text("VM_HEALTH_TABLE_NAME", read.text("VM_TABLE_NAME", "vm-routes-deployments") + "-health"),
                swarm(read));
        String bindProblem = listenProblem(bind, authenticated, onLambda);
        if (bindProblem != null) read.problem("VM_API_TOKEN", bindProblem);
        read.throwIfAnyProblem();
        return config;
    }

    private static final Pattern REGISTRY = Pattern.compile("^[a-z0-9.-]+(:[0-9]{1,5})?(/[a-z0-9._-]+)+$");

    /** The Swarm settings with {@code VM_ENGINE_MODE=swarm}; null in single mode, the default. */
    private static Swarm swarm(Reader read) {
        String mode = read.text("VM_ENGINE_MODE", "single");
        if ("single".equals(mode)) return null;
        if (!"swarm".equals(mode)) {
            read.problem("VM_ENGINE_MODE", "must be single or swarm");
            return null;
        }
        String registry = read.text("VM_REGISTRY", null);
        if (registry == null) read.problem("VM_REGISTRY", "is needed with VM_ENGINE_MODE=swarm: the repository every node pulls agents' images from");
        else if (!REGISTRY.matcher(registry).matches()) read.problem("VM_REGISTRY", "must be a repository such as registry.example.com:5000/vm-routes");
        String publishMode = read.text("VM_SWARM_PUBLISH_MODE", "ingress");
        if (!publishMode.equals("ingress") && !publishMode.equals("host")) read.problem("VM_SWARM_PUBLISH_MODE", "must be ingress or host");
        String builder = read.text("VM_BUILDER_DOCKER_HOST", null);
        URI builderHost = null;
        if (builder != null) {
            builderHost = URI.create(builder);
            if (!"tcp".equals(builderHost.getScheme()) && !"unix".equals(builderHost.getScheme())) {
                read.problem("VM_BUILDER_DOCKER_HOST", "must be tcp://host:port or unix:///path");
            }
        }
        return new Swarm(builderHost, registry, read.text("VM_REGISTRY_AUTH", null), (int) read.whole("VM_MAX_REPLICAS", 10, 1), publishMode);
    }

    /** {@code host} runs build steps in the engine host's own network namespace: only when allowed in so many words. */
    private static String buildNetwork(Reader read) {
        String network = read.text("VM_BUILD_NETWORK", null);
        if ("host".equals(network) && !read.flag("VM_ALLOW_HOST_BUILD_NETWORK")) {
            read.problem("VM_BUILD_NETWORK", "host runs build steps (a package's setup.py among them) in the engine host's network,"
                    + " with everything listening on its loopback in reach; set VM_ALLOW_HOST_BUILD_NETWORK=true to allow it");
        }
        return network;
    }

    /**
     * A build argument shows in the image's history, so the index URL may carry no credentials:
     * a private index is reached from the build network without them (a mirror on the engine host).
     */
    private static String pipIndexUrl(Reader read) {
        String url = read.text("VM_PIP_INDEX_URL", null);
        if (url == null) return null;
        try {
            URI index = new URI(url);
            if (!("http".equals(index.getScheme()) || "https".equals(index.getScheme())) || index.getHost() == null) {
                read.problem("VM_PIP_INDEX_URL", "must be an http:// or https:// URL");
            } else if (index.getRawUserInfo() != null) {
                read.problem("VM_PIP_INDEX_URL", "must not carry credentials: it would stay in the image's history");
            }
        } catch (java.net.URISyntaxException e) {
            read.problem("VM_PIP_INDEX_URL", "is not a URL");
        }
        return url;
    }

    /** This configuration listening on {@code address} (the server's command line may name one). */
    public VmConfig withBindAddress(String address) {
        VmConfig changed = new VmConfig(engine, tableName, dataDir, onLambda, region, gitAllowedHosts, sshKeyDir, sshKnownHosts,
                gitTimeout, probeTimeout, readyTimeout, sweepConcurrency, sweepInterval, containerLimits, keepImages, batchConcurrency, authenticated, address,
                requestDeadline, secretPrefix, deploys, buildLogTable, auditTable, metricsPerAgent, tracing, healthTable, swarm);
        String problem = listenProblem(address, authenticated, onLambda);
        if (problem != null) throw new ConfigException("VM_API_TOKEN: " + problem);
        return changed;
    }

    /** Without a credential to ask for, the local server listens only on loopback: null when listening on {@code address} is fine. */
    public static String listenProblem(String address, boolean authenticated, boolean onLambda) {
        if (onLambda || authenticated || isLoopback(address)) return null;
        return "must be set to listen on " + address + " (the API controls a Docker engine); set a token (or VM_API_TOKENS_FILE, or VM_JWT_ISSUER) or bind to 127.0.0.1";
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
