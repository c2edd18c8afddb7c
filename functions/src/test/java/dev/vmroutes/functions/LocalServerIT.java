package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.store.Deployment;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The local server over real HTTP: the spec's requests, against the real engine. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LocalServerIT {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    @LocalServerPort
    int port;

    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (headers.length > 0) request.headers(headers);
        if (body != null) request.header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        OpenApiContract.check(method, path, response.statusCode(), response.body());
        return response;
    }

    @Test
    void deploy_withPreferRespondAsync_is202_andTheDeploymentWalksToRunning() throws Exception {
        // Listens only after two seconds, so its wait for readiness is there to be seen.
        env.git.serve("async-agent", dev.vmroutes.testing.AgentRepo.create(env.dir, "async-agent",
                java.util.Map.of("main.py", "import time\ntime.sleep(2)\n" + dev.vmroutes.testing.AgentRepo.HTTP_AGENT)).repository());
        String body = JSON.createObjectNode().put("repo_url", env.git.url("async-agent")).put("auth_token", env.token)
                .put("agent_name", "async-agent").toString();
        HttpResponse<String> accepted = send("POST", "/api/v1/vm/deploy", body, "Prefer", "respond-async");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("Preference-Applied")).hasValue("respond-async");
        String location = accepted.headers().firstValue("Location").orElseThrow();
        JsonNode answer = JSON.readTree(accepted.body());
        assertThat(location).isEqualTo(answer.get("status_url").asText()).endsWith(answer.get("deployment_id").asText());
        assertThat(answer.get("status").asText()).isEqualTo("queued");
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        JsonNode deployment;
        long until = System.nanoTime() + 120_000_000_000L;
        do {
            Thread.sleep(100);
            deployment = JSON.readTree(send("GET", location, null).body());
            seen.add(deployment.get("status").asText());
        } while (Deployment.IN_PROGRESS.contains(deployment.get("status").asText()) && System.nanoTime() < until);
        assertThat(deployment.get("status").asText()).isEqualTo("running");
        assertThat(seen).contains("waiting_ready");
        assertThat(deployment.get("phases").findValuesAsText("phase")).contains("clone", "start", "ready");
        send("POST", "/api/v1/vm/stop", "{\"container_name\": \"" + deployment.get("container_name").asText() + "\", \"remove\": true}");
    }

    @Test
    void deployments_byIdAndByAgent_overHttp() throws Exception {
        HttpResponse<String> missing = send("GET", "/api/v1/vm/deployments/00000000-0000-0000-0000-000000000000", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        HttpResponse<String> noAgent = send("GET", "/api/v1/vm/deployments", null);
        assertThat(noAgent.statusCode()).isEqualTo(400);
        assertThat(noAgent.body()).contains("agent_name");
        assertThat(send("GET", "/api/v1/vm/deployments?agent_name=a&limit=1000", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/v1/vm/deployments/bad%20id", null).statusCode()).isEqualTo(400);
    }

    @Test
    void openApiDocument_isServed() throws Exception {
        HttpResponse<String> document = send("GET", "/api/v1/vm/openapi.json", null);
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.body()).contains("\"openapi\":\"3.1.0\"");
    }

    @Test
    void specRoutes_deployListHealthStop_workOverHttp() throws Exception {
        // The spec's deploy example, with a repository reachable here.
        String body = """
                {"repo_url": "%s", "auth_token": "%s", "agent_name": "black-demo",
                 "startup_cmd": ["python", "-c", "print(\\"ok\\")"]}""".formatted(env.git.url("agent"), env.token);
        HttpResponse<String> deployed = send("POST", "/api/v1/vm/deploy", body);
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        JsonNode deployment = JSON.readTree(deployed.body());
        String name = deployment.get("container_name").asText();
        assertThat(name).startsWith("jules-agent-black-demo-");
        assertThat(deployment.get("status").asText()).isEqualTo("exited");
        assertThat(deployment.has("container_id")).isTrue();
        assertThat(deployment.get("ports").isObject()).isTrue();
        HttpResponse<String> recorded = send("GET", "/api/v1/vm/deployments/" + deployment.get("deployment_id").asText(), null);
        assertThat(recorded.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(recorded.body()).get("status").asText()).isEqualTo("exited");
        HttpResponse<String> buildLog = send("GET", "/api/v1/vm/deployments/" + deployment.get("deployment_id").asText() + "/log?offset=0", null);
        assertThat(buildLog.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(buildLog.body()).get("complete").asBoolean()).isTrue();
        HttpResponse<String> cancel = send("DELETE", "/api/v1/vm/deployments/" + deployment.get("deployment_id").asText(), null);
        assertThat(cancel.statusCode()).as("a deploy that ran cannot be cancelled").isEqualTo(409);
        HttpResponse<String> history = send("GET", "/api/v1/vm/deployments?agent_name=black-demo&limit=5", null);
        assertThat(JSON.readTree(history.body()).at("/deployments/0/deployment_id").asText())
                .isEqualTo(deployment.get("deployment_id").asText());

        HttpResponse<String> listed = send("GET", "/api/v1/vm/list", null);
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode row = null;
        for (JsonNode r : JSON.readTree(listed.body())) if (r.get("container_name").asText().equals(name)) row = r;
        assertThat(row).isNotNull();
        assertThat(row.get("status").asText()).isEqualTo("exited");
        assertThat(row.get("created").asText()).endsWith("Z");

        HttpResponse<String> health = send("GET", "/api/v1/vm/health/" + name + "?path=/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("container_status").asText()).isEqualTo("exited");
        assertThat(JSON.readTree(health.body()).get("http_probe").get("error").asText()).isEqualTo("container is not running");

        HttpResponse<String> logs = send("GET", "/api/v1/vm/logs/" + name + "?tail=10&since=2020-01-01T00:00:00Z", null);
        assertThat(logs.statusCode()).as(logs.body()).isEqualTo(200);
        JsonNode line = JSON.readTree(logs.body()).get("lines").get(0);
        assertThat(line.get("stream").asText()).isEqualTo("stdout");
        assertThat(line.get("text").asText()).isEqualTo("ok");
        assertThat(line.get("time").asText()).endsWith("Z");

        // One deployment only: nothing earlier to roll back to.
        HttpResponse<String> rollback = send("POST", "/api/v1/vm/rollback", "{\"agent_name\": \"black-demo\"}");
        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(404);
        assertThat(JSON.readTree(rollback.body()).get("detail").asText()).contains("roll back to").doesNotContain("Exception");

        HttpResponse<String> stopped = send("POST", "/api/v1/vm/stop", "{\"container_name\": \"" + name + "\", \"remove\": true}");
        assertThat(stopped.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(stopped.body())).isEqualTo(JSON.readTree("{\"stopped\": \"" + name + "\", \"removed\": true}"));
    }

    @Test
    void hostileBodiesAndUrls_areRefusedWithJsonDetails() throws Exception {
        HttpResponse<String> twice = send("POST", "/api/v1/vm/deploy",
                "{\"repo_url\": \"git://a/b\", \"repo_url\": \"https://example.invalid/b.git\", \"agent_name\": \"a\"}");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(twice.body()).get("detail").asText()).isEqualTo("repo_url: appears twice in the body");

        HttpResponse<String> trailing = send("POST", "/api/v1/vm/stop", "{\"container_name\": \"jules-agent-x-1\"}xyz");
        assertThat(trailing.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(trailing.body()).get("detail").asText()).startsWith("body: ");
        HttpResponse<String> twoObjects = send("POST", "/api/v1/vm/stop", "{\"container_name\": \"a\"} {\"container_name\": \"b\"}");
        assertThat(twoObjects.statusCode()).isEqualTo(400);

        String big = "{\"agent_name\": \"" + "a".repeat(2 * 1024 * 1024) + "\"}";
        HttpResponse<String> declared = send("POST", "/api/v1/vm/deploy", big);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(declared.body()).get("detail").asText()).isEqualTo("body: must be at most 1 MiB");
        // Without a declared length (chunked), reading stops at the limit.
        HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/deploy"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);

        for (String path : List.of("/api/v1/vm/health/a%2Fb", "/api/v1/vm/health/a%00b", "/api/v1/vm/list?" + "q=".repeat(5000))) {
            HttpResponse<String> refused = send("GET", path, null);
            assertThat(refused.statusCode()).as(path).isBetween(400, 499);
            assertThat(refused.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(JSON.readTree(refused.body()).has("detail")).as(path + ": " + refused.body()).isTrue();
            assertThat(refused.body()).doesNotContainIgnoringCase("tomcat").doesNotContain("<html");
        }
    }

    @Test
    void errors_areDetailBodiesWithTheRightStatus() throws Exception {
        HttpResponse<String> malformed = send("POST", "/api/v1/vm/deploy", "{oops");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).get("detail").asText()).startsWith("body: ");

        HttpResponse<String> invalid = send("POST", "/api/v1/vm/deploy", "{\"repo_url\": \"file:///etc\", \"agent_name\": \"a\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(invalid.body()).get("detail").asText()).startsWith("repo_url: ");

        HttpResponse<String> unknown = send("GET", "/api/v1/vm/health/jules-agent-nobody-1", null);
        assertThat(unknown.statusCode()).isEqualTo(404);

        HttpResponse<String> badPath = send("GET", "/api/v1/vm/health/jules-agent-nobody-1?path=http://169.254.169.254/", null);
        assertThat(badPath.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badPath.body()).get("detail").asText()).startsWith("path: ");

        HttpResponse<String> noBody = send("POST", "/api/v1/vm/stop", null);
        assertThat(noBody.statusCode()).isEqualTo(400);

        HttpResponse<String> badTail = send("GET", "/api/v1/vm/logs/jules-agent-nobody-1?tail=lots", null);
        assertThat(badTail.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badTail.body()).get("detail").asText()).startsWith("tail: ");
        assertThat(send("GET", "/api/v1/vm/logs/jules-agent-nobody-1", null).statusCode()).isEqualTo(404);

        HttpResponse<String> badBatch = send("POST", "/api/v1/vm/batch/deploy",
                "{\"deployments\": [{\"repo_url\": \"https://example.invalid/a.git\", \"agent_name\": \"ok\"}, {\"agent_name\": \"b\"}]}");
        assertThat(badBatch.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badBatch.body()).get("detail").asText()).startsWith("deployments[0].repo_url: ");

        HttpResponse<String> unknownStops = send("POST", "/api/v1/vm/batch/stop",
                "{\"containers\": [{\"container_name\": \"jules-agent-nobody-1\"}, {\"container_name\": \"jules-agent-nobody-2\"}]}");
        assertThat(unknownStops.statusCode()).isEqualTo(200);
        JsonNode results = JSON.readTree(unknownStops.body()).get("results");
        assertThat(results.findValuesAsText("index")).containsExactly("0", "1");
        assertThat(results.findValuesAsText("status")).containsExactly("404", "404");
        assertThat(results.get(1).get("body").get("detail").asText()).contains("jules-agent-nobody-2");

        HttpResponse<String> badRollback = send("POST", "/api/v1/vm/rollback", "{\"agent_name\": \"a\", \"deployment_id\": 7}");
        assertThat(badRollback.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badRollback.body()).get("detail").asText()).startsWith("deployment_id: ");
    }
}
