package dev.vmroutes.functions.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.functions.bench.ColdStartBench;
import dev.vmroutes.functions.bench.LambdaRuntimeHarness;
import dev.vmroutes.testing.TestEnvironment;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.vmroutes.functions.lambda.ApiEvents.JSON;
import static dev.vmroutes.functions.lambda.ApiEvents.body;
import static dev.vmroutes.functions.lambda.ApiEvents.event;
import static dev.vmroutes.functions.lambda.ApiEvents.forContainer;
import static dev.vmroutes.functions.lambda.ApiEvents.withBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's {@code sam local invoke} section, as a developer follows it: {@code scripts/sam-env}
 * writes the variables from events/env.json and the engine's certificates, and each handler runs
 * under the real runtime client with the variables sam gives a function (the template's, then
 * those of the file, then its own), and reaches the engine and the table with them.
 */
class SamLocalEnvIT {

    static final String PREFIX = "dev.vmroutes.functions.handler.";

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();
    static LambdaRuntimeHarness runtime;
    static List<Path> classpath;
    static Map<String, String> fromEnvFile;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("vmroutes.root", "..");
        runtime = new LambdaRuntimeHarness();
        classpath = ColdStartBench.functionClasspath(work.resolve("task"));
        // The developer's engine, table and addresses, given to the script as the README shows.
        Process script = new ProcessBuilder("bash", "../scripts/sam-env", TestEnvironment.tlsDir().toString(),
                "DOCKER_HOST=" + TestEnvironment.require("DOCKER_HOST"), "VM_PUBLISH_ADDRESS=127.0.0.1",
                "VM_TABLE_NAME=" + env.config().tableName(), "VM_GIT_ALLOWED_HOSTS=127.0.0.1",
                "AWS_ENDPOINT_URL_DYNAMODB=" + TestEnvironment.require("AWS_ENDPOINT_URL_DYNAMODB"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        JsonNode written = JSON.readTree(script.getInputStream());
        assertThat(script.waitFor()).isZero();
        fromEnvFile = new HashMap<>();
        written.get("Parameters").fields().forEachRemaining(f -> fromEnvFile.put(f.getKey(), f.getValue().asText()));
        assertThat(fromEnvFile.get("VM_DOCKER_TLS_SECRET")).as("env.json clears the template's secret").isEmpty();
    }

    @AfterAll
    static void stop() {
        if (runtime != null) runtime.close();
    }

    /** As sam local builds it: the template's variables (parameters as given), env.json's over them, and sam's own. */
    static Map<String, String> samEnvironment(String function) {
        Map<String, String> vars = new HashMap<>();
        vars.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        vars.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        vars.put("DOCKER_HOST", "tcp://docker.example.internal:2376");
        vars.put("VM_DOCKER_TLS_SECRET", "arn:aws:secretsmanager:us-east-1:123456789012:secret:docker-tls-AbCdEf");
        vars.put("VM_PUBLISH_ADDRESS", "docker.example.internal");
        vars.put("VM_TABLE_NAME", "DeploymentsTable");
        vars.put("VM_GIT_ALLOWED_HOSTS", "");
        vars.put("VM_KEEP_IMAGES", "3");
        vars.put("VM_BATCH_CONCURRENCY", "4");
        vars.put("VM_SECRET_PREFIX", "");
        vars.put("VM_REQUEST_DEADLINE_SECONDS", "25");
        vars.putAll(fromEnvFile);
        vars.put("AWS_SAM_LOCAL", "true");
        vars.put("AWS_LAMBDA_FUNCTION_NAME", function);
        vars.put("AWS_REGION", "us-east-1");
        vars.put("AWS_DEFAULT_REGION", "us-east-1");
        vars.put("AWS_ACCESS_KEY_ID", "developer-key");
        vars.put("AWS_SECRET_ACCESS_KEY", "developer-secret");
        return vars;
    }

    static JsonNode invoke(String function, JsonNode event) throws Exception {
        var answer = runtime.start(classpath, List.of(), LambdaRuntimeHarness.RIC_MAIN, PREFIX + function + "::handleRequest",
                samEnvironment(function), true, JSON.writeValueAsBytes(event), Duration.ofMinutes(3));
        return ApiEvents.checked(event, JSON.readTree(answer.response()));
    }

    static ObjectNode deployBody(String agent) {
        return JSON.createObjectNode().put("repo_url", env.git.url("agent")).put("auth_token", env.token).put("agent_name", agent);
    }

    @Test
    void everyHandler_withTheVariablesOfEnvJson_reachesTheEngineAndTheTable() throws Exception {
        JsonNode deployed = invoke("DeployFunction", withBody(event("deploy.json"), deployBody("sam-agent")));
        assertThat(deployed.get("statusCode").asInt()).as(deployed.toString()).isEqualTo(200);
        env.removeAfterwards("sam-agent");
        String name = body(deployed).get("container_name").asText();
        assertThat(body(invoke("ListFunction", event("list.json"))).findValuesAsText("container_name")).contains(name);
        assertThat(invoke("HealthFunction", forContainer(event("health.json"), "health", name)).get("statusCode").asInt()).isEqualTo(200);
        assertThat(invoke("LogsFunction", forContainer(event("logs.json"), "logs", name)).get("statusCode").asInt()).isEqualTo(200);
        assertThat(invoke("RollbackFunction", withBody(event("rollback.json"), JSON.createObjectNode().put("agent_name", "sam-agent")))
                .get("statusCode").asInt()).isEqualTo(404);
        ObjectNode batch = JSON.createObjectNode();
        batch.putArray("deployments").add(deployBody("sam-batch"));
        env.removeAfterwards("sam-batch");
        JsonNode batchDeployed = invoke("BatchDeployFunction", withBody(event("batch-deploy.json"), batch));
        assertThat(body(batchDeployed).at("/results/0/status").asInt()).as(batchDeployed.toString()).isEqualTo(200);
        JsonNode stops = invoke("BatchStopFunction", event("batch-stop.json"));
        assertThat(body(stops).get("results").findValuesAsText("status")).containsExactly("404", "404");
        assertThat(invoke("HealthSweepFunction", event("sweep.json")).get("checked").asInt()).isGreaterThanOrEqualTo(2);
        JsonNode stopped = invoke("StopFunction", withBody(event("stop.json"),
                JSON.createObjectNode().put("container_name", name).put("remove", true)));
        assertThat(stopped.get("statusCode").asInt()).as(stopped.toString()).isEqualTo(200);
    }
}
