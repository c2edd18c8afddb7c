package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.vmroutes.functions.CloudFormationTemplate.JSON;
import static dev.vmroutes.functions.CloudFormationTemplate.ROOT;
import static dev.vmroutes.functions.CloudFormationTemplate.target;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both HTTP APIs serve the same routes through the same functions, each JWT route needs exactly the
 * scope the functions check, and the OpenAPI document and the sample IAM policies under docs/iam/
 * name the same routes with the same scopes.
 */
class TemplateRoutesTest {

    /** The scope each route needs (docs/aws.md's table; dev.vmroutes.auth.Scope). */
    static final Map<String, String> SCOPES = Map.ofEntries(
            entry("GET /api/v1/vm/list", "vm:read"),
            entry("GET /api/v1/vm/nodes", "vm:read"),
            entry("GET /api/v1/vm/health/{container_name}", "vm:read"),
            entry("GET /api/v1/vm/logs/{container_name}", "vm:read"),
            entry("GET /api/v1/vm/stats/{container_name}", "vm:read"),
            entry("GET /api/v1/vm/health-history/{agent_name}", "vm:read"),
            entry("GET /api/v1/vm/deployments", "vm:read"),
            entry("GET /api/v1/vm/deployments/{deployment_id}", "vm:read"),
            entry("GET /api/v1/vm/deployments/{deployment_id}/log", "vm:read"),
            entry("GET /api/v1/vm/audit", "vm:read"),
            entry("GET /api/v1/vm/caller", "vm:read"),
            entry("GET /api/v1/vm/openapi.json", "vm:read"),
            entry("POST /api/v1/vm/deploy", "vm:deploy"),
            entry("POST /api/v1/vm/rollback", "vm:deploy"),
            entry("POST /api/v1/vm/batch/deploy", "vm:deploy"),
            entry("DELETE /api/v1/vm/deployments/{deployment_id}", "vm:deploy"),
            entry("POST /api/v1/vm/stop", "vm:stop"),
            entry("POST /api/v1/vm/batch/stop", "vm:stop"));

    /** The routes whose requests may carry run_as_root or remove_volumes, which also need vm:admin. */
    static final Set<String> ADMIN_FIELD_ROUTES = Set.of("POST /api/v1/vm/deploy", "POST /api/v1/vm/batch/deploy",
            "POST /api/v1/vm/stop", "POST /api/v1/vm/batch/stop");

    static ObjectNode source;
    static JsonNode template;

    @BeforeAll
    static void load() throws Exception {
        source = CloudFormationTemplate.source();
        template = LanguageExtensions.expand(source);
    }

    /** The dashboard's routes, without authorization on both APIs (see TemplateDashboardTest): the rest here are the API's. */
    static final java.util.Set<String> DASHBOARD_ROUTES = java.util.Set.of("GET /", "GET /{file+}");

    /** The IAM API's routes, from the functions' HttpApi events: {@code METHOD path} to the function that answers it. */
    static Map<String, String> iamRoutes(JsonNode t) {
        Map<String, String> routes = new TreeMap<>();
        CloudFormationTemplate.functions(t).forEach((name, f) -> f.path("Events").forEach(e -> {
            if (!e.path("Type").asText().equals("HttpApi")) return;
            if (DASHBOARD_ROUTES.contains(e.at("/Properties/Method").asText() + " " + e.at("/Properties/Path").asText())) return;
            assertThat(target(e.at("/Properties/ApiId"))).as(name).isEqualTo("HttpApi");
            routes.put(e.at("/Properties/Method").asText() + " " + e.at("/Properties/Path").asText(), name);
        }));
        return routes;
    }

    /** The JWT API's routes: route key to "function scope", through each route's integration and its permission. */
    static Map<String, String> jwtRoutes(JsonNode t) {
        JsonNode resources = t.get("Resources");
        Map<String, String> routes = new TreeMap<>();
        resources.fields().forEachRemaining(r -> {
            JsonNode route = r.getValue();
            if (!route.path("Type").asText().equals("AWS::ApiGatewayV2::Route")) return;
            if (DASHBOARD_ROUTES.contains(route.at("/Properties/RouteKey").asText())) return;
            String id = r.getKey();
            assertThat(route.path("Condition").asText()).as(id).isEqualTo("UseJwtApi");
            assertThat(route.at("/Properties/AuthorizationType").asText()).as(id).isEqualTo("JWT");
            assertThat(target(route.at("/Properties/AuthorizerId"))).as(id).isEqualTo("JwtAuthorizer");
            JsonNode join = route.at("/Properties/Target/Fn::Join");
            assertThat(join.get(0).asText() + join.at("/1/0").asText()).as(id).isEqualTo("/integrations");
            JsonNode integration = resources.path(target(join.at("/1/1")));
            assertThat(integration.at("/Properties/IntegrationType").asText()).as(id).isEqualTo("AWS_PROXY");
            String alias = target(integration.at("/Properties/IntegrationUri"));
            JsonNode permission = resources.path(id.replaceFirst("Route$", "Permission"));
            assertThat(target(permission.at("/Properties/FunctionName"))).as(id).isEqualTo(alias);
            assertThat(permission.at("/Properties/SourceArn/Fn::Sub").asText()).as(id).endsWith(":${JwtApi}/*");
            List<String> scopes = new ArrayList<>();
            // Each scope as the routes need it without Cognito; with Cognito, the same in its spelling (vm/read).
            route.at("/Properties/AuthorizationScopes").forEach(s -> {
                JsonNode branches = s.get("Fn::If");
                assertThat(branches.get(0).asText()).as(id).isEqualTo("UseCognito");
                JsonNode cognito = branches.at("/1/Fn::Join");
                scopes.add(branches.get(2).asText());
                boolean sameScope = (cognito.get(0).asText() + cognito.at("/1/Fn::Split/0").asText()).equals("/:")
                        && cognito.at("/1/Fn::Split/1").equals(branches.get(2));
                if (!sameScope) scopes.add("with Cognito " + cognito);
            });
            routes.put(route.at("/Properties/RouteKey").asText(), alias.replaceFirst("\\.Alias$", "") + " " + String.join(",", scopes));
        });
        return routes;
    }

    /** What the JWT API should be: each IAM route, through the same function, needing its scope from {@link #SCOPES}. */
    static Map<String, String> expectedJwtRoutes() {
        Map<String, String> expected = new TreeMap<>();
        iamRoutes(template).forEach((route, function) -> expected.put(route, function + " " + SCOPES.get(route)));
        return expected;
    }

    @Test
    void bothApis_serveTheRoutesOfTheScopeTable_throughTheSameFunctions_eachJwtRouteNeedingExactlyItsScope() {
        assertThat(iamRoutes(template).keySet()).isEqualTo(SCOPES.keySet());
        assertThat(jwtRoutes(template)).isEqualTo(expectedJwtRoutes());
    }

    @Test
    void jwtLoop_goesOverEveryRowOfTheRoutesMapping_once() {
        JsonNode loop = source.at("/Resources/" + LanguageExtensions.FOR_EACH + "JwtRoutes");
        List<String> items = new ArrayList<>();
        loop.get(1).forEach(i -> items.add(i.asText()));
        Set<String> rows = new TreeSet<>();
        source.at("/Mappings/Routes").fieldNames().forEachRemaining(rows::add);
        assertThat(items).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(items)).isEqualTo(rows);
    }

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                Arguments.of("a route left out of the loop", (Consumer<ObjectNode>) t ->
                        ((ArrayNode) t.at("/Resources/" + LanguageExtensions.FOR_EACH + "JwtRoutes/1")).remove(0)),
                Arguments.of("a route with another scope", (Consumer<ObjectNode>) t ->
                        ((ObjectNode) t.at("/Mappings/Routes/Stop")).put("Scope", "vm:read")),
                Arguments.of("a route through another function", (Consumer<ObjectNode>) t ->
                        ((ObjectNode) t.at("/Mappings/Routes/List")).put("Function", "HealthFunction")),
                Arguments.of("a route without its scope", (Consumer<ObjectNode>) t ->
                        ((ObjectNode) t.at("/Resources/" + LanguageExtensions.FOR_EACH + "JwtRoutes/2/Jwt${Route}Route/Properties"))
                                .remove("AuthorizationScopes")),
                Arguments.of("a route whose Cognito scope is another", (Consumer<ObjectNode>) t ->
                        ((ArrayNode) t.at("/Resources/" + LanguageExtensions.FOR_EACH + "JwtRoutes/2/Jwt${Route}Route/Properties"
                                + "/AuthorizationScopes/0/Fn::If/1/Fn::Join/1/Fn::Split")).set(1, JSON.valueToTree("vm:admin"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void aTemplateWhoseJwtRoutesDiffer_isRefused(String change, Consumer<ObjectNode> breakIt) {
        ObjectNode broken = source.deepCopy();
        breakIt.accept(broken);
        assertThat(jwtRoutes(LanguageExtensions.expand(broken))).isNotEqualTo(expectedJwtRoutes());
    }

    @Test
    void openApiDocument_describesExactlyTheTemplatesRoutes() throws Exception {
        Set<String> documented = new TreeSet<>();
        OpenApiContract.document().get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + p.getKey())));
        assertThat(documented).isEqualTo(new TreeSet<>(SCOPES.keySet()));
    }

    /** The routes a sample policy under docs/iam/ lets its holder invoke, as {@code METHOD path} with {@code *} for parameters. */
    static Set<String> invokable(String file) throws Exception {
        JsonNode policy = JSON.readTree(ROOT.resolve("docs/iam").resolve(file).toFile());
        Set<String> routes = new TreeSet<>();
        String prefix = "arn:aws:execute-api:REGION:ACCOUNT:API_ID/*/";
        for (JsonNode statement : policy.get("Statement")) {
            assertThat(statement.get("Effect").asText()).as(file).isEqualTo("Allow");
            assertThat(statement.get("Action").asText()).as(file).isEqualTo("execute-api:Invoke");
            String resource = statement.get("Resource").asText();
            assertThat(resource).as(file).startsWith(prefix);
            String route = resource.substring(prefix.length());
            routes.add(route.substring(0, route.indexOf('/')) + " " + route.substring(route.indexOf('/')));
        }
        return routes;
    }

    static Set<String> asResources(Set<String> routes) {
        Set<String> resources = new TreeSet<>();
        routes.forEach(r -> resources.add(r.replaceAll("\\{[^}]+}", "*")));
        return resources;
    }

    @Test
    void sampleIamPolicies_letEachScopeInvokeExactlyItsRoutes() throws Exception {
        for (String scope : List.of("vm:read", "vm:deploy", "vm:stop")) {
            Set<String> routes = new TreeSet<>();
            SCOPES.forEach((route, s) -> {
                if (s.equals(scope)) routes.add(route);
            });
            assertThat(invokable(scope.replace(':', '-') + ".json")).as(scope).isEqualTo(asResources(routes));
        }
        assertThat(invokable("vm-admin.json")).isEqualTo(asResources(ADMIN_FIELD_ROUTES));
    }

    @Test
    void bothApis_throttleEveryRoute_byTheTemplatesParameters() {
        for (String settings : List.of("/Resources/HttpApi/Properties/DefaultRouteSettings",
                "/Resources/JwtApiStage/Properties/DefaultRouteSettings")) {
            JsonNode routeSettings = template.at(settings);
            assertThat(target(routeSettings.get("ThrottlingRateLimit"))).as(settings).isEqualTo("ApiThrottlingRateLimit");
            assertThat(target(routeSettings.get("ThrottlingBurstLimit"))).as(settings).isEqualTo("ApiThrottlingBurstLimit");
        }
        JsonNode rate = template.at("/Parameters/ApiThrottlingRateLimit");
        JsonNode burst = template.at("/Parameters/ApiThrottlingBurstLimit");
        assertThat(rate.get("MinValue").asInt()).isPositive();
        assertThat(burst.get("Default").asInt()).isGreaterThanOrEqualTo(rate.get("Default").asInt());
    }
}
