package dev.vmroutes.functions;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The local server with a token serves the dashboard's files without one, with their headers; everything else still asks for it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "VM_API_TOKEN=" + DashboardServedIT.TOKEN)
class DashboardServedIT {

    static final String TOKEN = "dashboard-token-123";

    @LocalServerPort
    int port;

    HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) request.header("Authorization", "Bearer " + token);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyDashboardFile_isServedWithoutToken_withItsPolicy() throws Exception {
        for (String path : DashboardFiles.PATHS) {
            HttpResponse<String> response = get(path, null);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).hasValue(DashboardFiles.contentSecurityPolicy(null));
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (path.endsWith(".js")) assertThat(type).as(path).startsWith("text/javascript");
            if (path.endsWith(".css")) assertThat(type).as(path).startsWith("text/css");
        }
        assertThat(get("/", null).body()).contains("<script type=\"module\" src=\"/dashboard/main.js\">");
        HttpResponse<String> config = get(DashboardFiles.CONFIG, null);
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.body()).as("no issuer configured").isEqualTo("{}");
        assertThat(config.headers().firstValue("Content-Security-Policy")).hasValue(DashboardFiles.contentSecurityPolicy(null));
    }

    @Test
    void theApi_andAnyOtherPath_stillNeedTheToken() throws Exception {
        for (String path : new String[]{"/api/v1/vm/list", "/api/v1/vm/audit", "/api/v1/vm/openapi.json", "/dashboard/",
                "/dashboard/other.js", "/dashboard/../api/v1/vm/list", "/index.html/", "/favicon.ico", "/error"}) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(get("/api/v1/vm/list", TOKEN).statusCode()).isEqualTo(200);
        HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(401);
    }
}
