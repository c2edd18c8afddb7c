package dev.vmroutes.functions.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.LogContext;
import dev.vmroutes.functions.OpenApiContract;
import dev.vmroutes.functions.RequestIdFilter;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON log lines of a deploy (run by the local worker), a failed deploy and a stop over the
 * local server: each line about a deployment names it, its agent and the request that asked for
 * it, and no line holds a credential or an environment value of the requests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StructuredLogsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    @LocalServerPort
    int port;

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (body != null) request.header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        OpenApiContract.check(method, path, response.statusCode(), response.body());
        return response;
    }

    /** The deployment's record once it ended (a deploy answered 202 goes on in the worker). */
    JsonNode ended(String deploymentId) throws Exception {
        JsonNode deployment;
        long until = System.nanoTime() + 300_000_000_000L; // a bound on a stuck deploy, not a measure
        do {
            Thread.sleep(100);
            deployment = JSON.readTree(send("GET", "/api/v1/vm/deployments/" + deploymentId, null).body());
        } while (Deployment.IN_PROGRESS.contains(deployment.get("status").asText()) && System.nanoTime() < until);
        return deployment;
    }

    static List<JsonNode> about(List<JsonNode> lines, String deploymentId) {
        return lines.stream().filter(l -> deploymentId.equals(l.path("mdc").path(LogContext.DEPLOYMENT_ID).asText(null))).toList();
    }

    static String requestId(HttpResponse<String> response) {
        return response.headers().firstValue(RequestIdFilter.HEADER).orElseThrow();
    }

    @Test
    void deploy_failedDeploy_andStop_logJsonLines_withRequestDeploymentAndAgent_andNoSecret() throws Exception {
        String secretValue = "env-secret-" + UUID.randomUUID();
        // Other test classes run at once and log too: this one's failure is told by its branch.
        String missingBranch = "missing-" + UUID.randomUUID();
        env.git.serve("logged", AgentRepo.httpAgent(env.dir, "logged").repository());
        List<JsonNode> parsed = new ArrayList<>();
        List<String> raw;
        String deployRequest, deploymentId, failRequest, failedId, stopRequest;
        try (CapturedLogs logs = CapturedLogs.open()) {
            ObjectNode body = JSON.createObjectNode().put("repo_url", env.git.url("logged")).put("auth_token", env.token)
                    .put("agent_name", "logged-agent");
            body.putObject("environment").put("API_KEY", secretValue);
            HttpResponse<String> deployed = send("POST", "/api/v1/vm/deploy", body.toString());
            assertThat(deployed.statusCode()).as(deployed.body()).isIn(200, 202);
            deployRequest = requestId(deployed);
            deploymentId = JSON.readTree(deployed.body()).get("deployment_id").asText();
            JsonNode running = ended(deploymentId);
            assertThat(running.get("status").asText()).isEqualTo("running");

            HttpResponse<String> failed = send("POST", "/api/v1/vm/deploy",
                    body.deepCopy().put("agent_name", "logged-failure").put("branch", missingBranch).toString());
            failRequest = requestId(failed);
            failedId = failed.statusCode() == 202 ? JSON.readTree(failed.body()).get("deployment_id").asText() : null;

            HttpResponse<String> stopped = send("POST", "/api/v1/vm/stop",
                    "{\"container_name\": \"" + running.get("container_name").asText() + "\", \"remove\": true}");
            assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
            stopRequest = requestId(stopped);
            raw = List.copyOf(logs.lines);
        }
        for (String line : raw) {
            JsonNode json = JSON.readTree(line);
            assertThat(json.has("level") && json.has("loggerName") && json.has("formattedMessage")).as(line).isTrue();
            parsed.add(json);
        }

        List<JsonNode> deployLines = about(parsed, deploymentId);
        assertThat(deployLines).as("lines about deployment %s in %s", deploymentId, raw)
                .anyMatch(l -> l.get("formattedMessage").asText().startsWith("deployed "));
        assertThat(deployLines).filteredOn(l -> l.get("formattedMessage").asText().startsWith("deployed ")).allSatisfy(l -> {
            assertThat(l.get("mdc").get(LogContext.AGENT).asText()).isEqualTo("logged-agent");
            assertThat(l.get("mdc").get(LogContext.REQUEST_ID).asText()).isEqualTo(deployRequest);
        });

        List<JsonNode> failedLines = parsed.stream().filter(l -> l.get("formattedMessage").asText().contains(" failed in ")
                && l.get("formattedMessage").asText().contains(missingBranch)).toList();
        assertThat(failedLines).as("the failed deploy's lines in %s", raw).isNotEmpty().allSatisfy(l -> {
            assertThat(l.get("mdc").get(LogContext.AGENT).asText()).isEqualTo("logged-failure");
            assertThat(l.get("mdc").get(LogContext.REQUEST_ID).asText()).isEqualTo(failRequest);
            assertThat(l.get("mdc").get(LogContext.DEPLOYMENT_ID).asText()).isNotBlank();
            if (failedId != null) assertThat(l.get("mdc").get(LogContext.DEPLOYMENT_ID).asText()).isEqualTo(failedId);
        });

        List<JsonNode> stopLines = deployLines.stream().filter(l -> l.get("formattedMessage").asText().startsWith("stopped ")).toList();
        assertThat(stopLines).as("the stop's lines in %s", raw).hasSize(1);
        assertThat(stopLines.get(0).get("mdc").get(LogContext.AGENT).asText()).isEqualTo("logged-agent");
        assertThat(stopLines.get(0).get("mdc").get(LogContext.REQUEST_ID).asText()).isEqualTo(stopRequest);

        assertThat(raw).isNotEmpty().noneMatch(l -> l.contains(env.token) || l.contains(secretValue));
        assertThat(env.metricLines).noneMatch(l -> l.contains(env.token) || l.contains(secretValue));
    }
}
