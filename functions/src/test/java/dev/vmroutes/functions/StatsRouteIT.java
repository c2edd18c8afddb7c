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
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The stats route over HTTP against the real engine: one sample of a running agent, none of a stopped one. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatsRouteIT {

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
    void stats_ofARunningAgent_giveCpuMemoryWithinItsLimitAndProcesses_andOfAStoppedOneNoFigures() throws Exception {
        Instant before = Instant.now();
        Results.Deployed agent = env.deploy(env.body("stats-demo").put("memory_mb", 256));
        assertThat(agent.status()).isEqualTo("running");

        HttpResponse<String> running = get("/api/v1/vm/stats/" + agent.containerName());

        assertThat(running.statusCode()).as(running.body()).isEqualTo(200);
        JsonNode stats = JSON.readTree(running.body());
        assertThat(stats.get("container_name").asText()).isEqualTo(agent.containerName());
        assertThat(stats.get("container_status").asText()).isEqualTo("running");
        assertThat(Instant.parse(stats.get("at").asText())).isAfterOrEqualTo(before);
        assertThat(stats.get("cpu_percent").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(stats.get("memory_bytes").asLong()).isPositive().isLessThanOrEqualTo(stats.get("memory_limit_bytes").asLong());
        assertThat(stats.get("memory_limit_bytes").asLong()).isEqualTo(256L * 1024 * 1024);
        assertThat(stats.get("pids").asLong()).as("the init and the Python agent").isGreaterThanOrEqualTo(2);

        env.stop(JSON.createObjectNode().put("container_name", agent.containerName()).put("remove", false));
        JsonNode stopped = JSON.readTree(get("/api/v1/vm/stats/" + agent.containerName()).body());
        assertThat(stopped.get("container_status").asText()).isEqualTo("exited");
        assertThat(stopped.has("cpu_percent")).isFalse();
        assertThat(stopped.has("memory_bytes")).isFalse();
    }

    @Test
    void stats_ofAMissingContainer_is404_andOfABadName_is400NamingIt() throws Exception {
        HttpResponse<String> missing = get("/api/v1/vm/stats/jules-agent-nobody-1");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("detail").asText()).contains("jules-agent-nobody-1");

        HttpResponse<String> bad = get("/api/v1/vm/stats/-bad");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("detail").asText()).startsWith("container_name: ");
    }
}
