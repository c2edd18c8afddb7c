package dev.vmroutes.app;

import com.github.dockerjava.api.DockerClient;
import dev.vmroutes.agents.AgentOperations;
import dev.vmroutes.api.Deadline;
import dev.vmroutes.audit.AuditTrail;
import dev.vmroutes.audit.DynamoAuditTrail;
import dev.vmroutes.audit.EmbeddedAuditTrail;
import dev.vmroutes.api.DeployRequestParser;
import dev.vmroutes.batch.Batches;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Tracing;
import dev.vmroutes.api.RepoUrlPolicy;
import dev.vmroutes.api.SecretReferences;
import dev.vmroutes.config.VmConfig;
import dev.vmroutes.deploy.DeployJobs;
import dev.vmroutes.deploy.DeployLock;
import dev.vmroutes.metrics.Metrics;
import dev.vmroutes.docker.LazyDockerClient;
import dev.vmroutes.deploy.DeployPipeline;
import dev.vmroutes.deploy.Rollback;
import dev.vmroutes.deploy.Stages;
import dev.vmroutes.docker.ContainerLogs;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.DockerClients;
import dev.vmroutes.docker.DockerSettings;
import dev.vmroutes.docker.Images;
import dev.vmroutes.health.DynamoHealthSamples;
import dev.vmroutes.health.EmbeddedHealthSamples;
import dev.vmroutes.health.HealthSamples;
import dev.vmroutes.git.RepoCloner;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.BuildLogs;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.store.DynamoBuildLogs;
import dev.vmroutes.store.EmbeddedBuildLogs;
import dev.vmroutes.store.DeploymentStore;
import dev.vmroutes.store.DynamoDeploymentStore;
import dev.vmroutes.store.EmbeddedDeploymentStore;
import dev.vmroutes.agents.SwarmAgents;
import dev.vmroutes.agents.SweepOfServices;
import dev.vmroutes.swarm.AgentServices;
import dev.vmroutes.swarm.RegistryAuth;
import dev.vmroutes.swarm.ServiceSpecs;
import dev.vmroutes.swarm.SwarmEngine;
import dev.vmroutes.swarm.SwarmRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The composition root: every client, stage and operation, built from one configuration. The
 * functions and the local server build one per process; tests build their own.
 */
public record VmRoutes(VmConfig config, DockerClient docker, DockerClient buildDocker, DeploymentStore store,
                       DeployRequestParser parser, DeployPipeline deploy, DeployJobs jobs, Rollback rollback,
                       AgentOperations agents, Batches batches, AuditTrail audit, Swarm swarm)
        implements AutoCloseable {

    /** On a Swarm: the manager's services, and the builder's clients (null: the manager builds). */
    public record Swarm(SwarmEngine engine, AgentServices services, DockerClient builder, DockerClient builderForBuilds) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(VmRoutes.class);
    /** Time after the deadline for what a call does once its waits ended; with {@link Deadline#REPORT}, 25 s + 3 s stays below API Gateway's 30 s. */
    public static final Duration AFTER_DEADLINE = Duration.ofSeconds(2);

    /** Secrets from Secrets Manager, metrics as EMF lines on standard output. */
    public static VmRoutes create(VmConfig config) {
        return create(config, AwsClients.secretReader(config), System.out::println);
    }

    public static VmRoutes create(VmConfig config, Function<String, String> secrets, Consumer<String> metrics) {
        Tracing.configure(config.tracing(), config.onLambda());
        // The engine's TLS material is read on the first engine call, never by a function that makes none.
        Supplier<DockerSettings> settings = memoized(() -> DockerSettings.resolve(config.engine(), secrets));
        DockerClient docker = LazyDockerClient.of(() -> DockerClients.create(settings.get()));
        DockerClient buildDocker = LazyDockerClient.of(() -> DockerClients.createForBuilds(settings.get(),
                config.engine().buildTimeout(), Images.cpuQuery(config.engine().bounds())));
        Swarm swarm = config.swarm() == null ? null : swarm(config, settings, secrets);
        DeploymentStore store;
        BuildLogs buildLogs;
        AuditTrail audit;
        HealthSamples healthSamples;
        try {
            store = store(config);
            buildLogs = buildLogs(config, store);
            audit = audit(config, store);
            healthSamples = healthSamples(config, store);
        } catch (RuntimeException e) {
            closeQuietly(docker);
            closeQuietly(buildDocker);
            throw e;
        }
        Clock clock = Clock.systemUTC();
        Metrics metricLines = new Metrics(metrics, config.metricsPerAgent());
        DeploymentRecords records = new DeploymentRecords(store);
        AgentContainers containers = new AgentContainers(docker, config.engine().publishAddress(), config.engine().isolatedNetwork(),
                config.engine().bounds().agentDiskBytes());
        HttpProbe probe = new HttpProbe(Duration.ofSeconds(2), config.probeTimeout());
        DeployRequestParser parser = new DeployRequestParser(
                new RepoUrlPolicy(config.gitAllowedHosts(), RepoUrlPolicy::resolveAll), config.sshKeyDir(), config.containerLimits(),
                new SecretReferences(config.secretPrefix(), config.engine().tlsSecret()), config.maxReplicas());
        ContainerLogs logs = new ContainerLogs(docker, Duration.ofSeconds(10));
        VmConfig.Deploys deploys = config.deploys();
        DeployLock lock = new DeployLock(records, deploys.queueTimeout(), deploys.lockLease(), clock);
        boolean ownBuilder = swarm != null && swarm.builder() != null;
        Stages stages = new Stages(secrets, records, buildLogs,
                new RepoCloner((int) config.gitTimeout().toSeconds(), config.sshKnownHosts(), config.engine().bounds().maxRepoBytes()),
                new Images(ownBuilder ? swarm.builder() : docker, ownBuilder ? swarm.builderForBuilds() : buildDocker,
                        config.engine().buildTimeout(), config.engine().buildNetwork(),
                        config.engine().pipIndexUrl(), config.engine().bounds()), containers, logs, probe, config.readyTimeout(),
                config.keepImages(), config.gitTimeout().plus(config.engine().buildTimeout()).plus(config.readyTimeout()).plusMinutes(1),
                lock, metricLines, clock,
                swarm == null ? null : new SwarmRuntime(swarm.services(), swarm.services().specs(), config.swarm().registry()));
        AgentOperations agents = swarm == null
                ? AgentOperations.create(containers, logs, records, buildLogs, probe, healthSamples, config.sweepConcurrency(),
                        config.engine().buildTimeout(), clock, metricLines)
                : AgentOperations.onSwarm(new SwarmAgents(swarm.services(), logs, records, probe, healthSamples,
                        new SweepOfServices(config.sweepConcurrency(), clock), clock, metricLines), records, buildLogs, healthSamples, clock);
        DeployPipeline deploy = new DeployPipeline(stages);
        DeployJobs jobs = new DeployJobs(deploy, parser, records, lock, containers, deploys.workerDeadline(), clock,
                deploys.queueUrl() == null ? j -> new LocalDeployQueue(j, deploys.maxBuilds(), deploys.workerDeadline())
                        : j -> new SqsDeployQueue(AwsClients.sqs(config), deploys.queueUrl()));
        return new VmRoutes(config, docker, buildDocker, store, parser, deploy, jobs, new Rollback(stages, config.containerLimits()),
                agents, new Batches(jobs, agents.stop(), config.batchConcurrency()), audit, swarm);
    }

    /**
     * The manager's services over the engine's transport; images built on the builder when one is
     * named (with the same TLS material), else on the manager.
     */
    private static Swarm swarm(VmConfig config, Supplier<DockerSettings> settings, Function<String, String> secrets) {
        VmConfig.Swarm s = config.swarm();
        SwarmEngine engine = new SwarmEngine(() -> DockerClients.http(settings.get()));
        RegistryAuth registry = RegistryAuth.of(s.registryAuth(), s.registry(), secrets, memoized(() -> AwsClients.ecr(config)));
        AgentServices services = new AgentServices(engine, registry,
                new ServiceSpecs(config.engine().bounds().agentDiskBytes(), s.hostPublishing(), SWARM_MONITOR));
        if (s.builderHost() == null) return new Swarm(engine, services, null, null);
        Supplier<DockerSettings> builder = memoized(() -> {
            DockerSettings manager = settings.get();
            return new DockerSettings(s.builderHost(), manager.tls(), manager.publishAddress(), manager.connectTimeout(),
                    manager.responseTimeout(), manager.buildTimeout());
        });
        return new Swarm(engine, services, LazyDockerClient.of(() -> DockerClients.create(builder.get())),
                LazyDockerClient.of(() -> DockerClients.createForBuilds(builder.get(), config.engine().buildTimeout(),
                        Images.cpuQuery(config.engine().bounds()))));
    }

    /** How long Swarm watches each new task after it starts before it moves on (and rolls back if it fails meanwhile). */
    static final Duration SWARM_MONITOR = Duration.ofSeconds(5);

    /**
     * With {@code VM_ENGINE_MODE=swarm}, fails with one line unless the engine is a Swarm manager;
     * on a single engine, does nothing.
     */
    public void checkEngineMode() {
        if (swarm != null) swarm.services().checkManager(config.engine().host().toString());
    }

    /**
     * Runs one API call within the request deadline: its waits are capped by it, and the call
     * answers by the deadline plus {@link #AFTER_DEADLINE} (for recording and cleanup) whatever
     * the engine, the table, Git or an agent does.
     */
    public <T> T withinDeadline(Supplier<T> call) {
        return Deadline.run(config.requestDeadline(), AFTER_DEADLINE, call);
    }

    /** Beside the records: the embedded store's own file, or the logs table (created outside Lambda, where the template owns it). */
    private static BuildLogs buildLogs(VmConfig config, DeploymentStore store) {
        if (config.tableName() == null) return new EmbeddedBuildLogs(config.dataDir().resolve("build-logs.mv.db"));
        DynamoBuildLogs logs = new DynamoBuildLogs(((DynamoDeploymentStore) store).dynamo(), config.buildLogTable());
        if (!config.onLambda()) logs.createTableIfMissing();
        return logs;
    }

    /** Beside the records too, kept as long as they are: the embedded store's own file, or the audit table (created outside Lambda). */
    private static AuditTrail audit(VmConfig config, DeploymentStore store) {
        Duration retention = config.deploys().retention();
        if (config.tableName() == null) return new EmbeddedAuditTrail(config.dataDir().resolve("audit.mv.db"), retention);
        DynamoAuditTrail audit = new DynamoAuditTrail(((DynamoDeploymentStore) store).dynamo(), config.auditTable(), retention);
        if (!config.onLambda()) audit.createTableIfMissing();
        return audit;
    }

    /** Beside the records, kept 8 days: the embedded store's own file, or the health table (created outside Lambda). */
    private static HealthSamples healthSamples(VmConfig config, DeploymentStore store) {
        if (config.tableName() == null) return new EmbeddedHealthSamples(config.dataDir().resolve("health.mv.db"));
        DynamoHealthSamples samples = new DynamoHealthSamples(((DynamoDeploymentStore) store).dynamo(), config.healthTable());
        if (!config.onLambda()) samples.createTableIfMissing();
        return samples;
    }

    /** The embedded store without a table name; else DynamoDB, creating the table when missing outside Lambda (there the template owns it). */
    private static DeploymentStore store(VmConfig config) {
        if (config.tableName() == null) {
            return new EmbeddedDeploymentStore(config.dataDir().resolve("deployments.mv.db"));
        }
        DynamoDeploymentStore dynamo = new DynamoDeploymentStore(AwsClients.dynamo(config), config.tableName(),
                config.deploys().retention());
        if (!config.onLambda()) dynamo.createTableIfMissing();
        return dynamo;
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
        if (config.engine().reachable()) {
            try {
                docker.pingCmd().exec();
                checkEngineMode();
            } catch (RuntimeException e) {
                LOG.warn("warm-up could not reach the Docker engine: {}", Redactor.describe(e));
            }
        }
        try {
            table.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The scheduled sweep: first ends the deployments under way that nobody runs any more (and
     * removes what they made), then probes every managed container.
     */
    public dev.vmroutes.api.Results.SweepSummary sweep() {
        int abandoned = 0;
        try {
            abandoned = jobs.abandoned().endAbandoned();
        } catch (RuntimeException e) {
            LOG.warn("could not end abandoned deployments: {}", Redactor.describe(e));
        }
        return agents.sweep().sweep(abandoned);
    }

    /**
     * How long the deploy route waits for a deploy before answering 202: its budget, and always
     * short of the request's deadline, so the 202 is ours and never the gateway's 503.
     */
    public Duration syncBudget() {
        Duration budget = config.deploys().syncBudget();
        Duration beforeDeadline = config.requestDeadline().minusSeconds(1);
        return budget.compareTo(beforeDeadline) < 0 ? budget : beforeDeadline;
    }

    @Override
    public void close() {
        if (jobs.queue() instanceof AutoCloseable queue) closeQuietly(queue);
        closeQuietly(docker);
        closeQuietly(buildDocker);
        if (swarm != null) {
            closeQuietly(swarm.engine());
            if (swarm.builder() != null) closeQuietly(swarm.builder());
            if (swarm.builderForBuilds() != null) closeQuietly(swarm.builderForBuilds());
        }
        if (store instanceof AutoCloseable closeable) closeQuietly(closeable);
        if (agents.deployments().buildLogs() instanceof AutoCloseable closeable) closeQuietly(closeable);
        if (audit instanceof AutoCloseable closeable) closeQuietly(closeable);
        if (agents.healthHistory().samples() instanceof AutoCloseable closeable) closeQuietly(closeable);
    }

    private static <T> Supplier<T> memoized(Supplier<T> make) {
        Object[] made = new Object[1];
        return () -> {
            synchronized (made) {
                if (made[0] == null) made[0] = make.get();
                @SuppressWarnings("unchecked") T value = (T) made[0];
                return value;
            }
        };
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.debug("close failed: {}", e.getMessage());
        }
    }
}
