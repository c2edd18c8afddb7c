package dev.vmroutes.functions.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.functions.bench.ColdStartBench;
import dev.vmroutes.functions.bench.LambdaRuntimeHarness;
import dev.vmroutes.testing.SecretsManagerTestServer;
import dev.vmroutes.testing.TestEnvironment;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.vmroutes.functions.lambda.ApiEvents.body;
import static dev.vmroutes.functions.lambda.ApiEvents.event;
import static dev.vmroutes.functions.lambda.ApiEvents.forContainer;
import static dev.vmroutes.functions.lambda.ApiEvents.withBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every function's packaged artifact, run as a SnapStart function runs: under the real Lambda
 * runtime interface client in snap-start mode (it calls the registered CRaC resources'
 * {@code beforeCheckpoint}, waits on the Runtime API's restore/next, then calls
 * {@code afterRestore}), with exactly the variables Lambda gives it (no access keys: a container
 * credentials endpoint on loopback that wants its token), the engine's TLS key in Secrets
 * Manager, the credentials changed between snapshot and restore (the old ones expire: the AWS
 * endpoints refuse them from then on), and then each function's event against the real engine
 * and table.
 */
class SnapStartFidelityIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ENGINE_SECRET = "vm-routes/engine-tls";
    static final String PREFIX = "dev.vmroutes.functions.handler.";

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();
    static ContainerCredentials credentials;
    static SecretsManagerTestServer secrets;
    static SignedRequestGate table;
    static SignedRequestGate secretStore;
    static LambdaRuntimeHarness runtime;
    static List<Path> classpath;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("vmroutes.root", "..");
        credentials = new ContainerCredentials();
        secrets = new SecretsManagerTestServer();
        Path tls = TestEnvironment.tlsDir();
        secrets.put(ENGINE_SECRET, JSON.writeValueAsString(Map.of("ca", Files.readString(tls.resolve("ca.pem")),
                "cert", Files.readString(tls.resolve("cert.pem")), "key", Files.readString(tls.resolve("key.pem")))));
        table = new SignedRequestGate(URI.create(TestEnvironment.require("AWS_ENDPOINT_URL_DYNAMODB")), credentials::accessKeyId);
        secretStore = new SignedRequestGate(URI.create(secrets.url()), credentials::accessKeyId);
        runtime = new LambdaRuntimeHarness();
        runtime.onRestore(credentials::rotate);
        classpath = ColdStartBench.functionClasspath(work.resolve("task"));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) runtime.close();
        Stream.of(credentials, secrets, table, secretStore).filter(java.util.Objects::nonNull).forEach(c -> {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** What Lambda sets for a SnapStart function of this template, and nothing else. */
    static Map<String, String> lambdaEnvironment(String function) {
        Map<String, String> vars = new HashMap<>();
        vars.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        vars.put("LANG", "en_US.UTF-8");
        vars.put("TZ", ":UTC");
        vars.put("LAMBDA_TASK_ROOT", work.resolve("task").toString());
        vars.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        vars.put("AWS_LAMBDA_FUNCTION_NAME", "vm-routes-" + function);
        vars.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        vars.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/vm-routes-" + function);
        vars.put("AWS_REGION", "us-east-1");
        vars.put("AWS_DEFAULT_REGION", "us-east-1");
        vars.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", credentials.uri());
        vars.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", credentials.token());
        // The template's variables.
        vars.put("DOCKER_HOST", TestEnvironment.require("DOCKER_HOST"));
        vars.put("VM_DOCKER_TLS_SECRET", ENGINE_SECRET);
        vars.put("VM_PUBLISH_ADDRESS", "127.0.0.1");
        vars.put("VM_TABLE_NAME", env.config().tableName());
        vars.put("VM_GIT_ALLOWED_HOSTS", "127.0.0.1");
        vars.put("VM_KEEP_IMAGES", "3");
        vars.put("VM_BATCH_CONCURRENCY", "4");
        vars.put("VM_SECRET_PREFIX", "vm-routes/agents/");
        vars.put("VM_REQUEST_DEADLINE_SECONDS", "25");
        // Where this test's AWS is: behind gates that refuse any key but the current one.
        vars.put("AWS_ENDPOINT_URL_DYNAMODB", table.url());
        vars.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secretStore.url());
        return vars;
    }

    /** Starts the function as SnapStart does (hooks, new credentials, restore), invokes it once, and checks what reached AWS. */
    static JsonNode invoke(String function, JsonNode event) throws Exception {
        int tableRequests = table.accepted().size();
        int fetched = credentials.served();
        // The runtime client calls the CRaC hooks itself in snap-start mode; org.crac reaches them through its own CRaC package.
        var answer = runtime.start(classpath, List.of("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac"),
                LambdaRuntimeHarness.RIC_MAIN, PREFIX + function + "::handleRequest", lambdaEnvironment(function), true,
                JSON.writeValueAsBytes(event), Duration.ofMinutes(3));
        String keyAfterRestore = credentials.accessKeyId();
        assertThat(table.refused()).as("requests the table refused: signed with expired keys, or unsigned").isEmpty();
        assertThat(secretStore.refused()).as("requests Secrets Manager refused").isEmpty();
        assertThat(credentials.refused()).as("credential requests without the right token").isZero();
        // Priming read the table before the snapshot, and the clients built after the restore fetched the new keys.
        assertThat(credentials.served() - fetched).as(function + ": credentials fetched before the snapshot and after the restore")
                .isGreaterThanOrEqualTo(2);
        assertThat(table.accepted().subList(tableRequests, table.accepted().size())).as(function + ": table requests after restore")
                .isNotEmpty().last().isEqualTo(keyAfterRestore);
        return ApiEvents.checked(event, JSON.readTree(answer.response()));
    }

    static ObjectNode deployBody(String agent) {
        return JSON.createObjectNode().put("repo_url", env.git.url("agent")).put("auth_token", env.token).put("agent_name", agent);
    }

    @Test
    void everyFunction_asASnapStartFunction_answersItsEventAfterARestoreWithNewCredentials() throws Exception {
        JsonNode deployed = invoke("DeployFunction", withBody(event("deploy.json"), deployBody("snapstart-agent")));
        assertThat(deployed.get("statusCode").asInt()).as(deployed.toString()).isEqualTo(200);
        String name = body(deployed).get("container_name").asText();
        env.removeAfterwards("snapstart-agent");

        JsonNode listed = invoke("ListFunction", event("list.json"));
        assertThat(body(listed).findValuesAsText("container_name")).contains(name);

        JsonNode health = invoke("HealthFunction", forContainer(event("health.json"), "health", name));
        assertThat(health.get("statusCode").asInt()).as(health.toString()).isEqualTo(200);
        assertThat(body(health).at("/http_probe/status_code").asInt()).isEqualTo(200);

        ObjectNode logsEvent = forContainer(event("logs.json"), "logs", name);
        JsonNode logs = invoke("LogsFunction", logsEvent);
        assertThat(logs.get("statusCode").asInt()).as(logs.toString()).isEqualTo(200);

        JsonNode rollback = invoke("RollbackFunction", withBody(event("rollback.json"),
                JSON.createObjectNode().put("agent_name", "snapstart-agent")));
        assertThat(rollback.get("statusCode").asInt()).as(rollback.toString()).isEqualTo(404);

        ObjectNode batch = JSON.createObjectNode();
        batch.putArray("deployments").add(deployBody("snapstart-batch"));
        env.removeAfterwards("snapstart-batch");
        JsonNode batchDeployed = invoke("BatchDeployFunction", withBody(event("batch-deploy.json"), batch));
        JsonNode item = body(batchDeployed).get("results").get(0);
        assertThat(item.get("status").asInt()).as(batchDeployed.toString()).isEqualTo(200);

        ObjectNode stops = JSON.createObjectNode();
        stops.putArray("containers").add(JSON.createObjectNode().put("container_name", item.at("/body/container_name").asText())
                .put("remove", true));
        JsonNode batchStopped = invoke("BatchStopFunction", withBody(event("batch-stop.json"), stops));
        assertThat(body(batchStopped).get("results").get(0).get("status").asInt()).as(batchStopped.toString()).isEqualTo(200);

        JsonNode sweep = invoke("HealthSweepFunction", event("sweep.json"));
        assertThat(sweep.get("checked").asInt()).as(sweep.toString()).isGreaterThanOrEqualTo(1);

        JsonNode stopped = invoke("StopFunction", withBody(event("stop.json"),
                JSON.createObjectNode().put("container_name", name).put("remove", true)));
        assertThat(stopped.get("statusCode").asInt()).as(stopped.toString()).isEqualTo(200);
        assertThat(credentials.served()).as("credentials fetched from the endpoint").isPositive();
    }
}
