package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.audit.AuditEntry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /audit over HTTP on the local server, with entries written through the server's own trail (its DynamoDB table). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditRouteIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        OpenApiContract.check("GET", path, response.statusCode(), response.body());
        return response;
    }

    static String encoded(Instant at) {
        return URLEncoder.encode(at.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void audit_answersAnAgentsEntriesNewestFirst_andEveryAgents_sinceAndUpToTheLimit() throws Exception {
        String agent = "audited-" + UUID.randomUUID().toString().substring(0, 8);
        String other = agent + "-other";
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(10);
        AuditEntry deploy = new AuditEntry(UUID.randomUUID().toString(), start, "deploy", agent, "d-1", "accepted",
                "token:ci", "127.0.0.1", "req-1");
        AuditEntry stop = new AuditEntry(UUID.randomUUID().toString(), start.plusSeconds(1), "stop", agent, "jules-agent-" + agent + "-1",
                "stopped", "token:ci", "127.0.0.1", "req-2");
        AuditEntry otherDeploy = new AuditEntry(UUID.randomUUID().toString(), start.plusSeconds(2), "deploy", other, null, "accepted",
                "token:ops", null, null);
        for (AuditEntry entry : new AuditEntry[]{deploy, stop, otherDeploy}) Routes.get().audit().record(entry);

        HttpResponse<String> ofAgent = get("/api/v1/vm/audit?agent_name=" + agent);
        assertThat(ofAgent.statusCode()).as(ofAgent.body()).isEqualTo(200);
        JsonNode entries = JSON.readTree(ofAgent.body()).get("entries");
        assertThat(entries.findValuesAsText("id")).containsExactly(stop.id(), deploy.id());
        assertThat(entries.get(0).get("action").asText()).isEqualTo("stop");
        assertThat(entries.get(0).get("principal").asText()).isEqualTo("token:ci");
        assertThat(entries.get(0).get("source_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(entries.get(0).get("request_id").asText()).isEqualTo("req-2");
        assertThat(Instant.parse(entries.get(0).get("at").asText())).isEqualTo(stop.at());

        JsonNode limited = JSON.readTree(get("/api/v1/vm/audit?agent_name=" + agent + "&limit=1").body()).get("entries");
        assertThat(limited.findValuesAsText("id")).containsExactly(stop.id());
        JsonNode since = JSON.readTree(get("/api/v1/vm/audit?agent_name=" + agent + "&since=" + encoded(stop.at())).body()).get("entries");
        assertThat(since.findValuesAsText("id")).containsExactly(stop.id());

        // Every agent's: other tests may write entries meanwhile, so only the order of these three is checked.
        JsonNode all = JSON.readTree(get("/api/v1/vm/audit?limit=100&since=" + encoded(start)).body()).get("entries");
        assertThat(all.findValuesAsText("id")).containsSubsequence(otherDeploy.id(), stop.id(), deploy.id());
        assertThat(JSON.readTree(get("/api/v1/vm/audit").body()).get("entries").size()).isBetween(1, 20);
    }

    @Test
    void badParameters_are400NamingThem() throws Exception {
        for (String[] bad : new String[][]{{"agent_name=-x", "agent_name"}, {"agent_name=", "agent_name"},
                {"since=yesterday", "since"}, {"limit=0", "limit"}, {"limit=101", "limit"}, {"limit=many", "limit"}}) {
            HttpResponse<String> answer = get("/api/v1/vm/audit?" + bad[0]);
            assertThat(answer.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(JSON.readTree(answer.body()).get("detail").asText()).as(bad[0]).startsWith(bad[1] + ": ");
        }
    }
}
