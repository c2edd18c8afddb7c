package dev.vmroutes.functions.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.vmroutes.functions.handler.LambdaHandlersIT.JSON;
import static dev.vmroutes.functions.handler.LambdaHandlersIT.body;
import static dev.vmroutes.functions.handler.LambdaHandlersIT.event;
import static dev.vmroutes.functions.handler.LambdaHandlersIT.invoke;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each function with the identity API Gateway's authorizer puts in the event: a JWT's claims and
 * scopes (a caller limited to {@code team-a-} agents), or an IAM principal. Every route keeps a
 * limited caller to its own agents, and the others' are answered as if they did not exist.
 */
class NamespacesIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();

    /** The claims a JWT authorizer hands over: arrays as text, scopes beside them. */
    static ObjectNode asTeamA(ObjectNode event, String scopes) {
        ObjectNode jwt = ((ObjectNode) event.get("requestContext")).putObject("authorizer").putObject("jwt");
        jwt.putObject("claims").put("sub", "alice").put("client_id", "dashboard").put("scope", scopes).put("vm_agents", "[team-a-]");
        var list = jwt.putArray("scopes");
        for (String scope : scopes.split(" ")) list.add(scope);
        return event;
    }

    static ObjectNode withPath(ObjectNode event, String route, String name) {
        String path = "/api/v1/vm/" + route + "/" + name;
        event.put("rawPath", path);
        ((ObjectNode) event.get("requestContext").get("http")).put("path", path);
        ObjectNode parameters = event.has("pathParameters") ? (ObjectNode) event.get("pathParameters") : event.putObject("pathParameters");
        parameters.put(route.equals("deployments") ? "deployment_id" : "container_name", name);
        return event;
    }

    static JsonNode deployAsOperator(String agent) throws Exception {
        ObjectNode deploy = event("deploy.json");
        deploy.put("body", env.body(agent).toString());
        env.removeAfterwards(agent);
        JsonNode answer = invoke(new DeployFunction(), deploy);
        assertThat(answer.get("statusCode").asInt()).as(answer.toString()).isEqualTo(200);
        return body(answer);
    }

    static int status(JsonNode answer) {
        return answer.get("statusCode").asInt();
    }

    @Test
    void aCallerLimitedToTeamA_seesAndTouchesOnlyTeamAsAgents() throws Exception {
        JsonNode a = deployAsOperator("team-a-bot");
        JsonNode b = deployAsOperator("team-b-bot");
        String aName = a.get("container_name").asText();
        String bName = b.get("container_name").asText();
        String all = "vm:read vm:deploy vm:stop";

        JsonNode listed = invoke(new ListFunction(), asTeamA(event("list.json"), all));
        assertThat(body(listed).findValuesAsText("container_name")).contains(aName).doesNotContain(bName);
        // every node, but only team-a's tasks on it
        JsonNode nodes = body(invoke(new NodesFunction(), asTeamA(event("nodes.json"), all)));
        assertThat(nodes.get("nodes")).isNotEmpty();
        assertThat(nodes.get("nodes").findValuesAsText("service_name")).contains(aName).doesNotContain(bName);
        assertThat(nodes.get("nodes").findValuesAsText("agent_name")).allMatch(agent -> agent.startsWith("team-a-"));
        assertThat(body(invoke(new NodesFunction(), event("nodes.json"))).get("nodes").findValuesAsText("service_name")).contains(aName, bName);

        assertThat(status(invoke(new HealthFunction(), asTeamA(withPath(event("health.json"), "health", aName), all)))).isEqualTo(200);
        assertThat(status(invoke(new HealthFunction(), asTeamA(withPath(event("health.json"), "health", bName), all)))).isEqualTo(404);
        assertThat(status(invoke(new LogsFunction(), asTeamA(withPath(event("logs.json"), "logs", bName), all)))).isEqualTo(404);
        assertThat(status(invoke(new StatsFunction(), asTeamA(withPath(event("stats.json"), "stats", aName), all)))).isEqualTo(200);
        assertThat(status(invoke(new StatsFunction(), asTeamA(withPath(event("stats.json"), "stats", bName), all)))).isEqualTo(404);
        ObjectNode otherHistory = asTeamA(withPath(event("health-history.json"), "health-history", "team-b-bot"), all);
        ((ObjectNode) otherHistory.get("pathParameters")).put("agent_name", "team-b-bot");
        assertThat(status(invoke(new HealthHistoryFunction(), otherHistory))).isEqualTo(404);
        ObjectNode ownHistory = asTeamA(withPath(event("health-history.json"), "health-history", "team-a-bot"), all);
        ((ObjectNode) ownHistory.get("pathParameters")).put("agent_name", "team-a-bot");
        assertThat(status(invoke(new HealthHistoryFunction(), ownHistory))).isEqualTo(200);
        ObjectNode stop = asTeamA(event("stop.json"), all).put("body", JSON.createObjectNode().put("container_name", bName).toString());
        assertThat(status(invoke(new StopFunction(), stop))).isEqualTo(404);
        assertThat(env.docker.inspectContainerCmd(bName).exec().getState().getRunning()).as("team-b's agent still runs").isTrue();
        ObjectNode rollback = asTeamA(event("rollback.json"), all).put("body", "{\"agent_name\": \"team-b-bot\"}");
        assertThat(status(invoke(new RollbackFunction(), rollback))).isEqualTo(404);

        String bId = b.get("deployment_id").asText();
        assertThat(status(invoke(new DeploymentFunction(), asTeamA(withPath(event("deployment.json"), "deployments", bId), all))))
                .isEqualTo(404);
        ObjectNode bLog = asTeamA(withPath(event("deployment-log.json"), "deployments", bId + "/log"), all);
        ((ObjectNode) bLog.get("pathParameters")).put("deployment_id", bId);
        assertThat(status(invoke(new DeploymentLogFunction(), bLog))).isEqualTo(404);
        assertThat(status(invoke(new DeploymentCancelFunction(), asTeamA(withPath(event("deployment-cancel.json"), "deployments", bId), all))))
                .isEqualTo(404);
        ObjectNode history = asTeamA(event("deployments.json"), all).put("rawQueryString", "agent_name=team-b-bot");
        history.set("queryStringParameters", JSON.createObjectNode().put("agent_name", "team-b-bot"));
        assertThat(status(invoke(new DeploymentsFunction(), history))).isEqualTo(404);

        // Its own agent's record says who deployed it: the IAM principal of the shipped events.
        JsonNode own = body(invoke(new DeploymentFunction(), asTeamA(withPath(event("deployment.json"), "deployments",
                a.get("deployment_id").asText()), all)));
        assertThat(own.at("/requested_by/principal").asText()).isEqualTo("arn:aws:sts::123456789012:assumed-role/vm-routes-operator/operator");

        // A batch naming another team's agent is refused whole: nothing of it is queued.
        ObjectNode batch = JSON.createObjectNode();
        batch.putArray("deployments").add(env.body("team-a-new")).add(env.body("team-b-new"));
        JsonNode refused = invoke(new BatchDeployFunction(), asTeamA(event("batch-deploy.json"), all).put("body", batch.toString()));
        assertThat(status(refused)).isEqualTo(400);
        assertThat(body(refused).get("detail").asText()).startsWith("deployments[1].agent_name");
        ObjectNode teamANew = event("deployments.json").put("rawQueryString", "agent_name=team-a-new");
        teamANew.set("queryStringParameters", JSON.createObjectNode().put("agent_name", "team-a-new"));
        assertThat(body(invoke(new DeploymentsFunction(), teamANew)).get("deployments")).as("nothing of the batch was queued").isEmpty();
        ObjectNode stops = JSON.createObjectNode();
        stops.putArray("containers").add(JSON.createObjectNode().put("container_name", bName));
        assertThat(status(invoke(new BatchStopFunction(), asTeamA(event("batch-stop.json"), all).put("body", stops.toString()))))
                .isEqualTo(400);
        ObjectNode elsewhere = asTeamA(event("deploy.json"), all).put("body", env.body("team-b-other").toString());
        JsonNode outside = invoke(new DeployFunction(), elsewhere);
        assertThat(status(outside)).isEqualTo(403);
        assertThat(body(outside).get("detail").asText()).startsWith("agent_name");

        // Who did what: a redeploy that changes nothing and a stop leave their entries too, each with its caller,
        // and team-a's caller reads only team-a's.
        assertThat(deployAsOperator("team-a-bot").get("unchanged").asBoolean()).isTrue();
        ObjectNode stopOwn = asTeamA(event("stop.json"), all).put("body", JSON.createObjectNode().put("container_name", aName).toString());
        assertThat(status(invoke(new StopFunction(), stopOwn))).isEqualTo(200);
        ObjectNode trail = asTeamA(event("audit.json"), all).put("rawQueryString", "");
        trail.remove("queryStringParameters");
        JsonNode entries = body(invoke(new AuditFunction(), trail)).get("entries");
        assertThat(entries.findValuesAsText("agent_name")).containsOnly("team-a-bot");
        assertThat(entries).extracting(e -> e.get("action").asText() + " " + e.get("outcome").asText() + " " + e.get("principal").asText())
                .containsSubsequence("stop removed jwt:alice (client dashboard)",
                        "deploy unchanged arn:aws:sts::123456789012:assumed-role/vm-routes-operator/operator",
                        "deploy accepted arn:aws:sts::123456789012:assumed-role/vm-routes-operator/operator");
        assertThat(entries.get(0).get("target").asText()).isEqualTo(aName);
        assertThat(entries.get(0).get("request_id").asText()).isNotBlank();
        JsonNode everyone = body(invoke(new AuditFunction(), ((ObjectNode) event("audit.json")).put("rawQueryString", "")
                .without("queryStringParameters"))).get("entries");
        assertThat(everyone.findValuesAsText("agent_name")).contains("team-a-bot", "team-b-bot");
        ObjectNode others = asTeamA(event("audit.json"), all).put("rawQueryString", "agent_name=team-b-bot");
        others.set("queryStringParameters", JSON.createObjectNode().put("agent_name", "team-b-bot"));
        assertThat(status(invoke(new AuditFunction(), others))).isEqualTo(404);
    }

    @Test
    void aScopeTheTokenLacks_is403NamingIt_andAnEventWithoutAnAuthorizerIs401() throws Exception {
        ObjectNode stop = asTeamA(event("stop.json"), "vm:read").put("body", "{\"container_name\": \"jules-agent-team-a-x-1\"}");
        JsonNode forbidden = invoke(new StopFunction(), stop);
        assertThat(status(forbidden)).isEqualTo(403);
        assertThat(body(forbidden).get("detail").asText()).contains("vm:stop");

        ObjectNode anonymous = event("list.json");
        ((ObjectNode) anonymous.get("requestContext")).remove("authorizer");
        assertThat(status(invoke(new ListFunction(), anonymous))).isEqualTo(401);

        JsonNode noRead = invoke(new NodesFunction(), asTeamA(event("nodes.json"), "vm:deploy"));
        assertThat(status(noRead)).isEqualTo(403);
        assertThat(body(noRead).get("detail").asText()).contains("vm:read");
        ObjectNode anonymousNodes = event("nodes.json");
        ((ObjectNode) anonymousNodes.get("requestContext")).remove("authorizer");
        assertThat(status(invoke(new NodesFunction(), anonymousNodes))).isEqualTo(401);
    }
}
