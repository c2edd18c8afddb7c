package dev.vmroutes.functions.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.functions.DashboardFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's function: the local server's files with its headers, its sign-in config, and 404 for anything else. */
class DashboardFunctionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final DashboardFunction function = new DashboardFunction(Map.of("VM_DASHBOARD_ISSUER", "https://cognito-idp.eu-west-1.amazonaws.com/pool",
            "VM_DASHBOARD_CLIENT_ID", "client-1", "VM_DASHBOARD_SCOPES", "openid vm/read",
            "VM_DASHBOARD_SIGN_IN_ORIGIN", "https://vm.auth.eu-west-1.amazoncognito.com"));

    JsonNode invoke(String method, String path) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(Path.of("../events/dashboard.json")));
        event.put("rawPath", path);
        ((ObjectNode) event.at("/requestContext/http")).put("method", method).put("path", path);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, new TestLambdaContext("DashboardFunction"));
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void everyFileOfTheAllowList_isServedFromTheClasspath_withTheLocalServersHeaders() throws Exception {
        for (String path : DashboardFiles.PATHS) {
            JsonNode answer = invoke("GET", path);
            assertThat(answer.get("statusCode").asInt()).as(path).isEqualTo(200);
            String file = path.equals("/") ? "index.html" : path.substring(1);
            assertThat(answer.get("body").asText()).as(path).isEqualTo(Files.readString(Path.of("src/main/resources/static", file)));
            // The page may call the issuer and the hosted sign-in domain (its token endpoint), nothing else.
            assertThat(answer.at("/headers/Content-Security-Policy").asText()).isEqualTo(DashboardFiles.contentSecurityPolicy(
                    "https://cognito-idp.eu-west-1.amazonaws.com", "https://vm.auth.eu-west-1.amazoncognito.com"))
                    .contains("connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com https://vm.auth.eu-west-1.amazoncognito.com;");
            assertThat(answer.at("/headers/X-Content-Type-Options").asText()).isEqualTo("nosniff");
        }
        assertThat(invoke("GET", "/").at("/headers/Content-Type").asText()).startsWith("text/html");
        assertThat(invoke("GET", "/dashboard/main.js").at("/headers/Content-Type").asText()).startsWith("text/javascript");
        assertThat(invoke("GET", "/dashboard/app.css").at("/headers/Content-Type").asText()).startsWith("text/css");
        assertThat(invoke("HEAD", "/").get("body").asText()).isEmpty();
    }

    @Test
    void theConfig_namesTheIssuerClientAndScopes_fromTheFunctionsVariables() throws Exception {
        JsonNode answer = invoke("GET", DashboardFunction.CONFIG);
        assertThat(answer.get("statusCode").asInt()).isEqualTo(200);
        assertThat(JSON.readTree(answer.get("body").asText())).isEqualTo(JSON.readTree("""
                {"issuer": "https://cognito-idp.eu-west-1.amazonaws.com/pool", "client_id": "client-1", "scope": "openid vm/read"}"""));
        JsonNode unset = JSON.readTree(new DashboardFunction(Map.of()).answer("GET", DashboardFunction.CONFIG).get("body").asText());
        assertThat(unset.isEmpty()).as("no sign-in named: the page asks for a token").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/vm/list", "/dashboard/", "/dashboard/missing.js", "/dashboard/../application.properties",
            "/application.properties", "/static/index.html", "/index.html/", "/dev/vmroutes/functions/handler/DashboardFunction.class"})
    void anythingElse_is404(String path) throws Exception {
        JsonNode answer = invoke("GET", path);
        assertThat(answer.get("statusCode").asInt()).isEqualTo(404);
        assertThat(answer.get("body").asText()).isEqualTo("{\"detail\":\"not found\"}");
    }

    @Test
    void otherMethods_are404() throws Exception {
        assertThat(invoke("POST", "/").get("statusCode").asInt()).isEqualTo(404);
        assertThat(invoke("DELETE", "/dashboard/main.js").get("statusCode").asInt()).isEqualTo(404);
    }
}
