package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.Results;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep and health calls of the server keep a sample per check; the history route answers them as up and down bands.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HealthHistoryRouteIT {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    @LocalServerPort
    int port;

    HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        OpenApiContract.check("GET", path, response.statusCode(), response.body());
        return response;
    }

    @Test
    void checksOfARunningAgent_thenOfItStopped_areAnUpBandThenADownBand() throws Exception {
        Instant before = Instant.now();
        // The server keeps its samples in the test environment's table, which outlives this class: a name of this run's own.
        String name = "history-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Results.Deployed agent = env.deploy(env.body(name));
        assertThat(get("/api/v1/vm/health/" + agent.containerName()).statusCode()).isEqualTo(200);
        Routes.get().sweep();
        env.stop(JSON.createObjectNode().put("container_name", agent.containerName()).put("remove", false));
        assertThat(get("/api/v1/vm/health/" + agent.containerName()).statusCode()).isEqualTo(200);

        HttpResponse<String> answer = get("/api/v1/vm/health-history/" + name + "?days=7");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode history = JSON.readTree(answer.body());
        assertThat(history.get("agent_name").asText()).isEqualTo(name);
        assertThat(Duration.between(Instant.parse(history.get("from").asText()), Instant.parse(history.get("to").asText())))
                .isEqualTo(Duration.ofDays(7));
        // At least these three: a sweep from another process over the same engine and table may add its own.
        assertThat(history.get("samples").asInt()).as(answer.body()).isGreaterThanOrEqualTo(3);
        JsonNode bands = history.get("bands");
        assertThat(bands).hasSize(2);
        assertThat(bands.get(0).get("outcome").asText()).isEqualTo("up");
        assertThat(bands.get(0).get("samples").asInt()).as("the health call and the sweep").isGreaterThanOrEqualTo(2);
        assertThat(bands.get(0).get("status_code").asInt()).isEqualTo(200);
        assertThat(Instant.parse(bands.get(0).get("from").asText())).isAfterOrEqualTo(before);
        assertThat(bands.get(1).get("outcome").asText()).isEqualTo("down");
        assertThat(bands.get(1).has("status_code")).as("a stopped container gives no answer").isFalse();
        assertThat(bands.get(0).get("to").asText()).as("up until the check that found it down").isEqualTo(bands.get(1).get("from").asText());
    }

    @Test
    void anAgentNeverChecked_hasNoBands_andBadDaysOrNamesAre400NamingThem() throws Exception {
        JsonNode none = JSON.readTree(get("/api/v1/vm/health-history/never-checked-" + java.util.UUID.randomUUID().toString().substring(0, 8)).body());
        assertThat(none.get("samples").asInt()).isZero();
        assertThat(none.get("bands")).isEmpty();

        for (String days : new String[] {"0", "8", "week"}) {
            HttpResponse<String> bad = get("/api/v1/vm/health-history/never-checked?days=" + days);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("detail").asText()).startsWith("days: ");
        }
        HttpResponse<String> badName = get("/api/v1/vm/health-history/-x");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badName.body()).get("detail").asText()).startsWith("agent_name: ");
    }
}
