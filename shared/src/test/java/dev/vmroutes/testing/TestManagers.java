package dev.vmroutes.testing;

import com.github.dockerjava.api.DockerClient;
import dev.vmroutes.api.DeployRequestParser;
import dev.vmroutes.api.RepoUrlPolicy;
import dev.vmroutes.docker.DockerClients;
import dev.vmroutes.docker.DockerSettings;
import dev.vmroutes.git.RepoCloner;
import dev.vmroutes.manager.ContainerLimits;
import dev.vmroutes.manager.VmManager;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.DeploymentStore;
import dev.vmroutes.store.DynamoDeploymentStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** A manager wired to the real test services: the engine over mutual TLS and a fresh dynalite table. */
public final class TestManagers {

    public final DockerSettings settings = TestEnvironment.dockerSettings();
    public final DockerClient docker = DockerClients.create(settings);
    public final DeploymentStore store;
    private final software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoClient = TestEnvironment.dynamo();
    private final String table = "deployments-" + UUID.randomUUID();
    public final List<String> metricLines = new CopyOnWriteArrayList<>();
    public final VmManager manager;

    public TestManagers(Path sshKeyDir) {
        this(sshKeyDir, Set.of("127.0.0.1", "localhost"), id -> {
            throw new IllegalStateException("no secret " + id);
        });
    }

    /**
     * @param allowedGitHosts hosts allowed although private (VM_GIT_ALLOWED_HOSTS)
     * @param secrets         reads Secrets Manager secrets by id
     */
    public TestManagers(Path sshKeyDir, Set<String> allowedGitHosts, java.util.function.Function<String, String> secrets) {
        DynamoDeploymentStore dynamo = new DynamoDeploymentStore(dynamoClient, table);
        dynamo.createTableIfMissing();
        this.store = dynamo;
        this.manager = new VmManager(docker, DockerClients.create(settings, settings.buildTimeout()), settings, store,
                new DeployRequestParser(new RepoUrlPolicy(allowedGitHosts, RepoUrlPolicy::resolveAll), sshKeyDir,
                        ContainerLimits.fromEnvironment(Map.of())),
                new RepoCloner(30, null),
                new HttpProbe(Duration.ofSeconds(2), Duration.ofSeconds(2)),
                secrets,
                Duration.ofSeconds(20), 8, Clock.systemUTC(), metricLines::add);
    }

    /** Every item of this manager's table, as the table holds it. */
    public String rawItems() {
        StringBuilder out = new StringBuilder();
        dynamoClient.scanPaginator(r -> r.tableName(table)).items().forEach(item -> out.append(item).append('\n'));
        return out.toString();
    }

    /** Removes every container carrying {@code jules.agent=<agent>}. */
    public void removeAgentContainers(String agent) {
        for (var c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("jules.agent", agent)).exec()) {
            docker.removeContainerCmd(c.getId()).withForce(true).exec();
        }
    }

    public List<com.github.dockerjava.api.model.Container> agentContainers(String agent) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("jules.agent", agent)).exec();
    }
}
