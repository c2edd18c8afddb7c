package dev.vmroutes.functions.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.auth.LocalTokens;
import dev.vmroutes.functions.OpenApiContract;
import dev.vmroutes.testing.JwtIssuer;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local server with a JWT issuer on loopback and a tokens file: who may call, which scope each
 * route needs, and what a caller limited to some agents sees of the others (nothing).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthorizationIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JwtIssuer issuer = Credentials.issuer();
    static final String ADMIN_TOKEN = "admin-token-" + java.util.UUID.randomUUID();
    static final String READER_TOKEN = "reader-token-" + java.util.UUID.randomUUID();
    static final Path TOKENS = Credentials.tokensFile(Map.of(
            "admin", Credentials.entry(ADMIN_TOKEN, List.of("vm:read", "vm:deploy", "vm:stop", "vm:admin"), null),
            "reader", Credentials.entry(READER_TOKEN, List.of("vm:read"), List.of("team-a-"))));

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void credentials(DynamicPropertyRegistry registry) {
        registry.add("VM_JWT_ISSUER", issuer::url);
        registry.add("VM_JWT_AUDIENCE", () -> JwtIssuer.AUDIENCE);
        registry.add("VM_API_TOKENS_FILE", TOKENS::toString);
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) request.header("Authorization", "Bearer " + token);
        if (body != null) request.header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        OpenApiContract.check(method, path, response.statusCode(), response.body());
        return response;
    }

    static String jwt(String scope, Object agents) {
        return agents == null ? issuer.token(Map.of("scope", scope)) : issuer.token(Map.of("scope", scope, "vm_agents", agents));
    }

    @Test
    void badTokens_are401_aMissingScopeIs403NamingIt_andTheRightScopePasses() throws Exception {
        Date past = Date.from(Instant.now().minusSeconds(600));
        for (String bad : List.of(issuer.token(Map.of("scope", "vm:read"), b -> b.expirationTime(past)),
                issuer.token(Map.of("scope", "vm:read"), b -> b.audience("another-api")),
                issuer.token(Map.of("scope", "vm:read"), b -> b.issuer("https://issuer.example")),
                issuer.forged(Map.of("scope", "vm:read")), issuer.unsigned(Map.of("scope", "vm:read")), "not-a-token")) {
            HttpResponse<String> refused = send("GET", "/api/v1/vm/list", bad, null);
            assertThat(refused.statusCode()).as(bad).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        }
        assertThat(send("GET", "/api/v1/vm/list", null, null).statusCode()).isEqualTo(401);

        String reader = jwt("vm:read", null);
        assertThat(send("GET", "/api/v1/vm/list", reader, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/vm/openapi.json", reader, null).statusCode()).isEqualTo(200);
        HttpResponse<String> deploy = send("POST", "/api/v1/vm/deploy", reader, env.body("scoped").toString());
        assertThat(deploy.statusCode()).isEqualTo(403);
        assertThat(deploy.body()).contains("vm:deploy");
        HttpResponse<String> stop = send("POST", "/api/v1/vm/stop", reader, "{\"container_name\": \"jules-agent-x-1\"}");
        assertThat(stop.statusCode()).isEqualTo(403);
        assertThat(stop.body()).contains("vm:stop");
        assertThat(send("GET", "/api/v1/vm/list", jwt("vm:deploy vm:stop", null), null).body()).contains("vm:read");

        ObjectNode asRoot = env.body("scoped").put("run_as_root", true);
        HttpResponse<String> root = send("POST", "/api/v1/vm/deploy", jwt("vm:deploy", null), asRoot.toString());
        assertThat(root.statusCode()).isEqualTo(403);
        assertThat(root.body()).contains("run_as_root").contains("vm:admin");
        HttpResponse<String> volumes = send("POST", "/api/v1/vm/stop", jwt("vm:stop", null),
                "{\"container_name\": \"jules-agent-x-1\", \"remove_volumes\": true}");
        assertThat(volumes.statusCode()).isEqualTo(403);
        assertThat(volumes.body()).contains("remove_volumes").contains("vm:admin");
        // The scope is checked before the body: a caller without it learns nothing of what it would have been told.
        assertThat(send("POST", "/api/v1/vm/deploy", reader, "{}").statusCode()).isEqualTo(403);
    }

    @Test
    void theTokensFile_namesItsCallers_andAppliesTheirScopesAndPrefixes() throws Exception {
        assertThat(send("GET", "/api/v1/vm/list", ADMIN_TOKEN + "x", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/vm/list", READER_TOKEN, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/vm/deployments?agent_name=team-b-any", READER_TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/api/v1/vm/deployments?agent_name=team-a-any", READER_TOKEN, null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/v1/vm/stop", READER_TOKEN, "{\"container_name\": \"jules-agent-team-a-x-1\"}").statusCode())
                .isEqualTo(403);
        assertThat(Files.readString(TOKENS)).doesNotContain(ADMIN_TOKEN).doesNotContain(READER_TOKEN);
    }

    @Test
    void theCallerRoute_answersEachCallerAsTheServerSeesIt() throws Exception {
        JsonNode admin = JSON.readTree(send("GET", "/api/v1/vm/caller", ADMIN_TOKEN, null).body());
        assertThat(admin.get("principal").asText()).isEqualTo("token:admin");
        assertThat(admin.get("scopes")).extracting(JsonNode::asText).containsExactly("vm:read", "vm:deploy", "vm:stop", "vm:admin");
        assertThat(admin.has("agents")).as("not limited").isFalse();

        JsonNode reader = JSON.readTree(send("GET", "/api/v1/vm/caller", READER_TOKEN, null).body());
        assertThat(reader.get("principal").asText()).isEqualTo("token:reader");
        assertThat(reader.get("scopes")).extracting(JsonNode::asText).containsExactly("vm:read");
        assertThat(reader.get("agents")).extracting(JsonNode::asText).containsExactly("team-a-");

        JsonNode viaJwt = JSON.readTree(send("GET", "/api/v1/vm/caller", jwt("vm:stop vm:read", List.of("team-b-")), null).body());
        assertThat(viaJwt.get("principal").asText()).contains("user-1");
        assertThat(viaJwt.get("scopes")).extracting(JsonNode::asText).containsExactly("vm:read", "vm:stop");
        assertThat(viaJwt.get("agents")).extracting(JsonNode::asText).containsExactly("team-b-");

        HttpResponse<String> withoutRead = send("GET", "/api/v1/vm/caller", jwt("vm:deploy", null), null);
        assertThat(withoutRead.statusCode()).isEqualTo(403);
        assertThat(withoutRead.body()).contains("vm:read");
        assertThat(send("GET", "/api/v1/vm/caller", null, null).statusCode()).isEqualTo(401);
    }
}
