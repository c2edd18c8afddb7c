package dev.vmroutes.functions.handler;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.ContainerLimits;
import dev.vmroutes.api.DeployRequestParser;
import dev.vmroutes.api.RepoUrlPolicy;
import dev.vmroutes.api.SecretReferences;
import dev.vmroutes.functions.OpenApiContract;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each function's handler with the API Gateway HTTP API events from events/, through a real
 * deploy, list, health, stop and sweep on the engine.
 */
class LambdaHandlersIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EVENTS = Path.of("..", "events");
    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    static ObjectNode event(String file) throws Exception {
        return (ObjectNode) JSON.readTree(Files.readString(EVENTS.resolve(file)));
    }

    static JsonNode invoke(RequestStreamHandler handler, JsonNode event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out,
                new TestLambdaContext(handler.getClass().getSimpleName()));
        JsonNode response = JSON.readTree(out.toByteArray());
        if (event.has("requestContext") && response.has("statusCode")) {
            OpenApiContract.check(event.at("/requestContext/http/method").asText(), event.get("rawPath").asText(),
                    response.get("statusCode").asInt(), response.get("body").asText());
        }
        return response;
    }

    static JsonNode body(JsonNode response) throws Exception {
        return JSON.readTree(response.get("body").asText());
    }

    @Test
    void everyFunction_answersItsEvent_againstTheRealEngine() throws Exception {
        ObjectNode deployEvent = event("deploy.json");
        ObjectNode request = (ObjectNode) JSON.readTree(deployEvent.get("body").asText());
        request.put("repo_url", env.git.url("agent")).put("auth_token", env.token).put("agent_name", "lambda-agent");
        request.remove("startup_cmd");
        deployEvent.put("body", request.toString());

        JsonNode deployed = invoke(new DeployFunction(), deployEvent);
        assertThat(deployed.get("statusCode").asInt()).as(deployed.toString()).isEqualTo(200);
        JsonNode deployment = body(deployed);
        String name = deployment.get("container_name").asText();
        assertThat(deployment.get("status").asText()).isEqualTo("running");
        assertThat(deployment.get("ports").get("8080/tcp").asInt()).isPositive();

        JsonNode listed = invoke(new ListFunction(), event("list.json"));
        assertThat(listed.get("statusCode").asInt()).isEqualTo(200);
        assertThat(body(listed).findValuesAsText("container_name")).contains(name);

        // a single engine is one node, running the agent's container
        JsonNode nodes = invoke(new NodesFunction(), event("nodes.json"));
        assertThat(nodes.get("statusCode").asInt()).as(nodes.toString()).isEqualTo(200);
        assertThat(body(nodes).get("nodes")).hasSize(1);
        assertThat(body(nodes).at("/nodes/0/role").asText()).isEqualTo("engine");
        assertThat(body(nodes).at("/nodes/0/tasks").findValuesAsText("service_name")).contains(name);
        assertThat(body(nodes).at("/nodes/0/tasks").findValuesAsText("agent_name")).contains("lambda-agent");

        ObjectNode healthEvent = event("health.json");
        String path = "/api/v1/vm/health/" + name;
        healthEvent.put("rawPath", path);
        ((ObjectNode) healthEvent.get("requestContext").get("http")).put("path", path);
        ((ObjectNode) healthEvent.get("pathParameters")).put("container_name", name);
        JsonNode health = invoke(new HealthFunction(), healthEvent);
        assertThat(health.get("statusCode").asInt()).as(health.toString()).isEqualTo(200);
        assertThat(body(health).get("http_probe").get("status_code").asInt()).isEqualTo(200);

        ObjectNode logsEvent = event("logs.json");
        String logsPath = "/api/v1/vm/logs/" + name;
        logsEvent.put("rawPath", logsPath).put("rawQueryString", "tail=5");
        ((ObjectNode) logsEvent.get("requestContext").get("http")).put("path", logsPath);
        ((ObjectNode) logsEvent.get("pathParameters")).put("container_name", name);
        logsEvent.set("queryStringParameters", JSON.createObjectNode().put("tail", "5"));
        JsonNode logs = invoke(new LogsFunction(), logsEvent);
        assertThat(logs.get("statusCode").asInt()).as(logs.toString()).isEqualTo(200);
        assertThat(body(logs).get("lines").findValuesAsText("text")).contains("agent listening");

        // A second deploy with another environment replaces the first; a rollback brings back the first's settings.
        ObjectNode second = request.deepCopy();
        second.putObject("environment").put("GREETING", "second");
        deployEvent.put("body", second.toString());
        JsonNode redeployed = body(invoke(new DeployFunction(), deployEvent));
        assertThat(redeployed.get("replaced").get(0).asText()).isEqualTo(name);
        ObjectNode rollbackEvent = event("rollback.json");
        rollbackEvent.put("body", JSON.createObjectNode().put("agent_name", "lambda-agent")
                .put("deployment_id", deployment.get("deployment_id").asText()).toString());
        JsonNode rolledBack = invoke(new RollbackFunction(), rollbackEvent);
        assertThat(rolledBack.get("statusCode").asInt()).as(rolledBack.toString()).isEqualTo(200);
        assertThat(body(rolledBack).get("rollback_of").asText()).isEqualTo(deployment.get("deployment_id").asText());
        name = body(rolledBack).get("container_name").asText();

        JsonNode sweep = invoke(new HealthSweepFunction(), event("sweep.json"));
        assertThat(sweep.get("checked").asInt()).isGreaterThanOrEqualTo(1);

        ObjectNode stopEvent = event("stop.json");
        stopEvent.put("body", JSON.createObjectNode().put("container_name", name).put("remove", true).toString());
        JsonNode stopped = invoke(new StopFunction(), stopEvent);
        assertThat(stopped.get("statusCode").asInt()).isEqualTo(200);
        assertThat(body(stopped).get("stopped").asText()).isEqualTo(name);
        assertThat(body(stopped).get("removed").asBoolean()).isTrue();
    }

    @Test
    void eventFiles_asShipped_getTheAnswersTheirContentCalls() throws Exception {
        // The shipped deploy event is a valid request (its public host taken as resolving to a public address)...
        JsonNode shippedBody = JSON.readTree(event("deploy.json").get("body").asText());
        DeployRequestParser parser = new DeployRequestParser(
                new RepoUrlPolicy(Set.of(), LambdaHandlersIT::aPublicAddress),
                null, new ContainerLimits(512L << 20, 1_000_000_000L, 256), SecretReferences.OFF);
        assertThat(parser.parse(shippedBody).agentName()).isEqualTo(shippedBody.get("agent_name").asText());
        // ...and through the function, a host that can never resolve (RFC 6761) is a 400 before any side effect,
        // whatever this machine's network.
        ObjectNode deployEvent = event("deploy.json");
        ObjectNode unresolvable = ((ObjectNode) shippedBody).put("repo_url", "https://git.example.invalid/agent.git");
        deployEvent.put("body", unresolvable.toString());
        JsonNode deploy = invoke(new DeployFunction(), deployEvent);
        assertThat(deploy.get("statusCode").asInt()).isEqualTo(400);
        assertThat(body(deploy).get("detail").asText()).isEqualTo("repo_url: host does not resolve");
        assertThat(invoke(new ListFunction(), event("list.json")).get("statusCode").asInt()).isEqualTo(200);
        assertThat(invoke(new NodesFunction(), event("nodes.json")).get("statusCode").asInt()).isEqualTo(200);
        assertThat(invoke(new DeploymentFunction(), event("deployment.json")).get("statusCode").asInt()).isEqualTo(404);
        assertThat(invoke(new DeploymentLogFunction(), event("deployment-log.json")).get("statusCode").asInt()).isEqualTo(404);
        assertThat(invoke(new DeploymentCancelFunction(), event("deployment-cancel.json")).get("statusCode").asInt()).isEqualTo(404);
        JsonNode history = invoke(new DeploymentsFunction(), event("deployments.json"));
        assertThat(history.get("statusCode").asInt()).as(history.toString()).isEqualTo(200);
        assertThat(body(history).get("deployments").isArray()).isTrue();
        JsonNode audit = invoke(new AuditFunction(), event("audit.json"));
        assertThat(audit.get("statusCode").asInt()).as(audit.toString()).isEqualTo(200);
        assertThat(body(audit).get("entries").isArray()).isTrue();
        JsonNode caller = invoke(new CallerFunction(), event("caller.json"));
        assertThat(caller.get("statusCode").asInt()).as(caller.toString()).isEqualTo(200);
        assertThat(body(caller).get("principal").asText()).isEqualTo("arn:aws:sts::123456789012:assumed-role/vm-routes-operator/operator");
        JsonNode document = invoke(new OpenApiFunction(), event("openapi.json"));
        assertThat(document.get("statusCode").asInt()).isEqualTo(200);
        assertThat(body(document).get("openapi").asText()).isEqualTo("3.1.0");
        JsonNode stop = invoke(new StopFunction(), event("stop.json"));
        assertThat(stop.get("statusCode").asInt()).isEqualTo(404);
        assertThat(body(stop).get("detail").asText()).contains("not found");
        assertThat(invoke(new HealthFunction(), event("health.json")).get("statusCode").asInt()).isEqualTo(404);
        assertThat(invoke(new LogsFunction(), event("logs.json")).get("statusCode").asInt()).isEqualTo(404);
        ObjectNode batchDeploy = event("batch-deploy.json");
        ObjectNode batchBody = (ObjectNode) JSON.readTree(batchDeploy.get("body").asText());
        for (JsonNode item : batchBody.get("deployments")) ((ObjectNode) item).put("repo_url", "https://git.example.invalid/agent.git");
        batchDeploy.put("body", batchBody.toString());
        JsonNode batch = invoke(new BatchDeployFunction(), batchDeploy);
        assertThat(batch.get("statusCode").asInt()).isEqualTo(400);
        assertThat(body(batch).get("detail").asText()).isEqualTo("deployments[0].repo_url: host does not resolve");
        JsonNode stops = invoke(new BatchStopFunction(), event("batch-stop.json"));
        assertThat(stops.get("statusCode").asInt()).as(stops.toString()).isEqualTo(200);
        assertThat(body(stops).get("results").findValuesAsText("status")).containsExactly("404", "404");
        JsonNode rollback = invoke(new RollbackFunction(), event("rollback.json"));
        assertThat(rollback.get("statusCode").asInt()).isEqualTo(404);
        assertThat(body(rollback).get("detail").asText()).contains("roll back to");
    }

    @Test
    void deploy_malformedBody_is400WithDetail() throws Exception {
        ObjectNode deployEvent = event("deploy.json");
        deployEvent.put("body", "{not json");
        JsonNode response = invoke(new DeployFunction(), deployEvent);
        assertThat(response.get("statusCode").asInt()).isEqualTo(400);
        assertThat(body(response).get("detail").asText()).startsWith("body: ");
    }

    static InetAddress[] aPublicAddress(String host) {
        try {
            return new InetAddress[]{InetAddress.getByAddress(host, new byte[]{93, (byte) 184, (byte) 215, 14})};
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
