package dev.vmroutes.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.StopRequest;
import dev.vmroutes.app.VmRoutes;
import dev.vmroutes.config.VmConfig;
import dev.vmroutes.store.DeploymentStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One test class's world, as a JUnit extension: the routes built by the production composition
 * root against the real engine (mutual TLS) and a table of its own in dynalite (dropped after the
 * class), a token Git server and an SSH key Git server serving an agent repository. Every agent
 * the class deploys through it is removed after the class; a class sees only what it made.
 *
 * <pre>{@code @RegisterExtension static final TestRoutes env = new TestRoutes();}</pre>
 */
public final class TestRoutes implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    public final String token = "tok-" + UUID.randomUUID();
    public final List<String> metricLines = new CopyOnWriteArrayList<>();
    private final Map<String, String> settings = new HashMap<>();
    private final Set<String> agents = ConcurrentHashMap.newKeySet();
    private Function<String, String> secrets = id -> {
        throw new IllegalStateException("no secret " + id);
    };
    private final String table = "deployments-" + UUID.randomUUID();

    public Path dir;
    public VmRoutes routes;
    public DockerClient docker;
    public DeploymentStore store;
    public AgentRepo agentRepo;
    public TokenGitServer git;
    public KeyGitServer sshGit;
    private DynamoDbClient dynamo;

    public TestRoutes() {
        settings.put("VM_GIT_ALLOWED_HOSTS", "127.0.0.1,localhost");
        settings.put("VM_GIT_TIMEOUT_SECONDS", "30");
        settings.put("VM_PROBE_TIMEOUT_SECONDS", "2");
    }

    /**
     * Routes in Swarm mode against the test environment's three-node Swarm (scripts/swarm-env):
     * its manager behind mutual TLS, its registry with a login, each node publishing its own tasks.
     */
    public static TestRoutes onSwarm() {
        String credentials = JSON.createObjectNode().put("username", TestEnvironment.require("VM_TEST_SWARM_REGISTRY_USER"))
                .put("password", TestEnvironment.require("VM_TEST_SWARM_REGISTRY_PASSWORD")).toString();
        return new TestRoutes()
                .with("DOCKER_HOST", TestEnvironment.require("VM_TEST_SWARM_HOST"))
                .with("VM_ENGINE_MODE", "swarm")
                .with("VM_REGISTRY", TestEnvironment.require("VM_TEST_SWARM_REGISTRY") + "/vm-routes-agent")
                .with("VM_REGISTRY_AUTH", credentials)
                .with("VM_SWARM_PUBLISH_MODE", "host")
                .with("VM_READY_TIMEOUT_SECONDS", "30");
    }

    /** A setting as the environment would give it, over the test environment's own. */
    public TestRoutes with(String name, String value) {
        settings.put(name, value);
        return this;
    }

    public TestRoutes secrets(Function<String, String> reader) {
        this.secrets = reader;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /** Starts the servers and builds the routes (for runners that are not JUnit Jupiter, such as jqwik). */
    public TestRoutes start() throws Exception {
        dir = Files.createTempDirectory("vm-routes-test-");
        Files.createDirectories(dir.resolve("keys"));
        agentRepo = AgentRepo.httpAgent(dir, "agent");
        git = new TokenGitServer(token);
        git.serve("agent", agentRepo.repository());
        sshGit = new KeyGitServer(agentRepo.repository(), dir.resolve("keys"));
        if (!settings.containsKey("VM_SSH_KEY_DIR")) settings.put("VM_SSH_KEY_DIR", dir.resolve("keys").toString());
        routes = VmRoutes.create(config(), secrets, metricLines::add);
        store = routes.store();
        docker = routes.docker();
        dynamo = TestEnvironment.dynamo();
        return this;
    }

    /** The configuration these routes are built from: the test environment's variables with this class's settings over them. */
    public VmConfig config() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("VM_TABLE_NAME", table);
        settings.forEach((name, value) -> {
            if (value == null) env.remove(name);
            else env.put(name, value);
        });
        return VmConfig.fromEnvironment(env);
    }

    @Override
    public void close() throws Exception {
        try {
            if (routes != null && routes.swarm() != null) agents.forEach(this::removeAgentService);
            else if (docker != null) agents.forEach(this::removeAgentContainers);
        } finally {
            // Whatever start() got to, in the order it made it.
            if (git != null) git.close();
            if (sshGit != null) sshGit.close();
            if (routes != null) routes.close();
            if (dynamo != null) {
                dynamo.deleteTable(r -> r.tableName(table));
                for (String beside : List.of("-logs", "-audit", "-health")) {
                    try {
                        dynamo.deleteTable(r -> r.tableName(table + beside));
                    } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException neverMade) {
                        // these routes never made it
                    }
                }
                dynamo.close();
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A deploy body for {@code agent} from the token server's agent repository. */
    public ObjectNode body(String agent) {
        return JSON.createObjectNode().put("repo_url", git.url("agent")).put("agent_name", agent).put("auth_token", token);
    }

    /** Parses and deploys as the deploy route does; the agent's containers are removed after the class. */
    public Results.Deployed deploy(JsonNode body) {
        if (body != null && body.path("agent_name").isTextual()) agents.add(body.get("agent_name").textValue());
        return routes.deploy().deploy(routes.parser().parse(body));
    }

    /** Removes the agent's containers after the class, for agents deployed other than through {@link #deploy}. */
    public void removeAfterwards(String agent) {
        agents.add(agent);
    }

    public Results.Stopped stop(JsonNode body) {
        return routes.agents().stop().stop(StopRequest.parse(body));
    }

    public Results.Health health(String containerName, String path) {
        return routes.agents().health().check(new HealthRequest(containerName, path));
    }

    /** Every record in the store (a full read only tests make). */
    public List<dev.vmroutes.store.Deployment> allRecords() {
        return dev.vmroutes.store.StoreScan.all(store);
    }

    public List<Results.Listed> list() {
        return routes.agents().list().list();
    }

    public Results.SweepSummary sweep() {
        return routes.agents().sweep().sweep();
    }

    /** Every item of this class's table, as the table holds it. */
    public String rawItems() {
        StringBuilder out = new StringBuilder();
        dynamo.scanPaginator(r -> r.tableName(table)).items().forEach(item -> out.append(item).append('\n'));
        return out.toString();
    }

    public void removeAgentContainers(String agent) {
        for (Container c : agentContainers(agent)) {
            docker.removeContainerCmd(c.getId()).withForce(true).exec();
        }
    }

    public void removeAgentService(String agent) {
        var services = routes.swarm().services();
        services.find(dev.vmroutes.swarm.ServiceSpecs.serviceName(agent)).ifPresent(s -> services.remove(s.path("ID").asText()));
    }

    public List<Container> agentContainers(String agent) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("jules.agent", agent)).exec();
    }

    /** Container names carry the second: deploys of one agent name wait for the next one. */
    public static void waitForNextSecond() throws InterruptedException {
        long now = System.currentTimeMillis();
        Thread.sleep(1000 - now % 1000 + 10);
    }
}
