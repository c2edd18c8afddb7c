package dev.vmroutes.functions;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local server's bearer token, and its refusal to listen beyond loopback without one. */
class LocalServerAuthIT {

    static final String TOKEN = "local-api-token-123";

    static int status(int port, String method, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json");
        if (authorization != null) request.header("Authorization", authorization);
        request.method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "VM_API_TOKEN=" + TOKEN)
    class WithToken {

        @LocalServerPort
        int port;

        @Test
        void everyRoute_withoutOrWithWrongToken_is401() throws Exception {
            String[][] routes = {{"POST", "/api/v1/vm/deploy"}, {"GET", "/api/v1/vm/list"}, {"POST", "/api/v1/vm/stop"},
                    {"GET", "/api/v1/vm/health/jules-agent-x-1"}};
            for (String[] route : routes) {
                assertThat(status(port, route[0], route[1], null)).as(route[1]).isEqualTo(401);
                assertThat(status(port, route[0], route[1], "Bearer wrong")).as(route[1]).isEqualTo(401);
                assertThat(status(port, route[0], route[1], "Bearer " + TOKEN + "x")).as(route[1]).isEqualTo(401);
                assertThat(status(port, route[0], route[1], TOKEN)).as(route[1]).isEqualTo(401);
            }
        }

        @Test
        void everyRoute_withTheToken_isServed() throws Exception {
            assertThat(status(port, "GET", "/api/v1/vm/list", "Bearer " + TOKEN)).isEqualTo(200);
            assertThat(status(port, "POST", "/api/v1/vm/deploy", "Bearer " + TOKEN)).isEqualTo(400);
            assertThat(status(port, "POST", "/api/v1/vm/stop", "Bearer " + TOKEN)).isEqualTo(400);
            assertThat(status(port, "GET", "/api/v1/vm/health/jules-agent-x-1", "Bearer " + TOKEN)).isEqualTo(404);
        }
    }

    @Test
    void nonLoopbackAddress_withoutToken_refusesToStart() {
        // Command-line arguments: they outrank application.properties, as when a user starts the jar.
        assertThatThrownBy(() -> new SpringApplicationBuilder(VmRoutesApplication.class)
                .run("--server.address=0.0.0.0", "--server.port=0").close())
                .hasStackTraceContaining("VM_API_TOKEN: must be set to listen on 0.0.0.0");
    }

    @Test
    void nonLoopbackAddress_withToken_starts() {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(VmRoutesApplication.class)
                .run("--server.address=0.0.0.0", "--server.port=0", "--VM_API_TOKEN=" + TOKEN)) {
            assertThat(app.isRunning()).isTrue();
        }
    }
}
