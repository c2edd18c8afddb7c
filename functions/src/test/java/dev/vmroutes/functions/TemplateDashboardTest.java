package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.auth.Scope;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.vmroutes.functions.CloudFormationTemplate.JSON;
import static dev.vmroutes.functions.CloudFormationTemplate.functions;
import static dev.vmroutes.functions.CloudFormationTemplate.target;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard on AWS: its function serves the page on both APIs without authorization, and only
 * its routes go without; with DashboardSignIn=cognito and no JwtIssuer, a user pool whose scopes
 * are the routes' scopes becomes the JWT API's issuer, and only the dashboard's function is told of it.
 */
class TemplateDashboardTest {

    static JsonNode template;
    static JsonNode resources;

    @BeforeAll
    static void load() throws Exception {
        template = CloudFormationTemplate.load();
        resources = template.get("Resources");
    }

    @Test
    void signIn_isNoneUnlessAskedFor_andCognitoOnlyWithoutAnIssuerOfOnesOwn() {
        JsonNode parameter = template.at("/Parameters/DashboardSignIn");
        assertThat(parameter.get("Default").asText()).isEqualTo("none");
        assertThat(parameter.get("AllowedValues")).isEqualTo(JSON.valueToTree(List.of("none", "cognito")));
        assertThat(template.at("/Conditions/UseCognito")).isEqualTo(JSON.valueToTree(Map.of("Fn::And", List.of(
                Map.of("Fn::Equals", List.of(Map.of("Ref", "DashboardSignIn"), "cognito")),
                Map.of("Fn::Not", List.of(Map.of("Condition", "UseJwt")))))));
        assertThat(template.at("/Conditions/UseJwtApi")).isEqualTo(JSON.valueToTree(Map.of("Fn::Or", List.of(
                Map.of("Condition", "UseJwt"), Map.of("Condition", "UseCognito")))));
        assertThat(template.at("/Rules/CognitoSignInNeedsADomainPrefix/RuleCondition/Fn::Equals/1").asText()).isEqualTo("cognito");
        Map<String, String> conditions = new TreeMap<>();
        resources.fields().forEachRemaining(r -> {
            String type = r.getValue().path("Type").asText();
            if (type.startsWith("AWS::Cognito::") || type.startsWith("AWS::ApiGatewayV2::")
                    || r.getKey().startsWith("Jwt") && type.equals("AWS::Lambda::Permission")) {
                conditions.put(r.getKey(), r.getValue().path("Condition").asText());
            }
        });
        conditions.forEach((id, condition) -> assertThat(condition).as(id)
                .isEqualTo(id.startsWith("Dashboard") ? "UseCognito" : "UseJwtApi"));
        assertThat(conditions).containsKeys("DashboardUserPool", "DashboardResourceServer", "DashboardUserPoolClient",
                "DashboardUserPoolDomain", "JwtApi", "JwtAuthorizer", "JwtDashboardRootRoute");
    }

    @Test
    void withCognito_theJwtApiTakesThePoolsTokens_forItsPublicClient() {
        JsonNode jwt = resources.at("/JwtAuthorizer/Properties/JwtConfiguration");
        assertThat(jwt.at("/Issuer/Fn::If/0").asText()).isEqualTo("UseCognito");
        assertThat(jwt.at("/Issuer/Fn::If/1")).isEqualTo(JSON.valueToTree(Map.of("Fn::GetAtt", List.of("DashboardUserPool", "ProviderURL"))));
        assertThat(target(jwt.at("/Issuer/Fn::If/2"))).isEqualTo("JwtIssuer");
        assertThat(target(jwt.at("/Audience/Fn::If/1/0"))).isEqualTo("DashboardUserPoolClient");
        JsonNode client = resources.at("/DashboardUserPoolClient/Properties");
        assertThat(client.get("GenerateSecret").asBoolean()).as("a page keeps no secret: PKCE instead").isFalse();
        assertThat(client.get("AllowedOAuthFlows")).isEqualTo(JSON.valueToTree(List.of("code")));
        assertThat(client.at("/CallbackURLs/0/Fn::Sub").asText()).isEqualTo("https://${JwtApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/");
        assertThat(target(resources.at("/DashboardUserPoolDomain/Properties/Domain"))).isEqualTo("DashboardDomainPrefix");
        assertThat(resources.at("/DashboardUserPool/Properties/AdminCreateUserConfig/AllowAdminCreateUserOnly").asBoolean()).isTrue();
    }

    @Test
    void theResourceServersScopes_areTheScopeEnum_andTheClientMayAskForEach() {
        JsonNode server = resources.at("/DashboardResourceServer/Properties");
        assertThat(server.get("Identifier").asText()).isEqualTo("vm");
        Set<Scope> granted = new TreeSet<>();
        server.get("Scopes").forEach(s -> granted.add(Scope.of(server.get("Identifier").asText() + "/" + s.get("ScopeName").asText()).orElseThrow()));
        assertThat(granted).containsExactlyInAnyOrder(Scope.values());
        List<String> asked = new ArrayList<>();
        resources.at("/DashboardUserPoolClient/Properties/AllowedOAuthScopes").forEach(s -> asked.add(s.asText()));
        List<String> expected = new ArrayList<>(List.of("openid"));
        Arrays.stream(Scope.values()).map(Scope::cognitoText).forEach(expected::add);
        assertThat(asked).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(resources.at("/DashboardFunction/Properties/Environment/Variables/VM_DASHBOARD_SCOPES/Fn::If/1").asText())
                .isEqualTo(String.join(" ", expected));
    }

    @Test
    void theDashboardsRoutes_andOnlyThey_goWithoutAuthorization_onBothApis() {
        Map<String, String> open = new TreeMap<>();
        functions(template).forEach((name, f) -> f.path("Events").forEach(e -> {
            if (!e.path("Type").asText().equals("HttpApi")) return;
            JsonNode auth = e.at("/Properties/Auth");
            if (auth.isMissingNode()) return; // the API's default: IAM
            assertThat(auth.path("Authorizer").asText()).as(name).isEqualTo("NONE");
            open.put(e.at("/Properties/Method").asText() + " " + e.at("/Properties/Path").asText(), name);
        }));
        assertThat(open).isEqualTo(Map.of("GET /", "DashboardFunction", "GET /{file+}", "DashboardFunction"));
        assertThat(template.at("/Resources/HttpApi/Properties/Auth/DefaultAuthorizer").asText()).isEqualTo("AWS_IAM");

        Map<String, String> jwtOpen = new TreeMap<>();
        resources.fields().forEachRemaining(r -> {
            JsonNode route = r.getValue();
            if (!route.path("Type").asText().equals("AWS::ApiGatewayV2::Route")) return;
            if (route.at("/Properties/AuthorizationType").asText().equals("JWT")) return;
            assertThat(route.at("/Properties/AuthorizationType").asText()).as(r.getKey()).isEqualTo("NONE");
            JsonNode integration = resources.path(target(route.at("/Properties/Target/Fn::Join/1/1")));
            jwtOpen.put(route.at("/Properties/RouteKey").asText(), target(integration.at("/Properties/IntegrationUri")));
        });
        assertThat(jwtOpen).isEqualTo(Map.of("GET /", "DashboardFunction.Alias", "GET /{file+}", "DashboardFunction.Alias"));
    }

    @Test
    void theSignInsVariables_areTheDashboardFunctionsAlone_andItReachesNothingElse() {
        functions(template).forEach((name, f) -> f.at("/Environment/Variables").fieldNames().forEachRemaining(variable -> {
            if (variable.startsWith("VM_DASHBOARD_")) assertThat(name).as(variable).isEqualTo("DashboardFunction");
        }));
        template.at("/Globals/Function/Environment/Variables").fieldNames()
                .forEachRemaining(variable -> assertThat(variable).doesNotStartWith("VM_DASHBOARD_"));
        JsonNode dashboard = resources.at("/DashboardFunction/Properties");
        assertThat(dashboard.path("Policies").isMissingNode()).isTrue();
        assertThat(dashboard.at("/Environment/Variables/VM_ENGINE_ACCESS").asText()).isEqualTo("false");
    }
}
