package dev.vmroutes.cli;

import dev.vmroutes.testing.LocalServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TokenGitServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command with --json against the real local server: its output parsed and compared with the API's own answer. */
class CliCommandsIT {

    static Path dir;
    static TokenGitServer git;
    static LocalServer server;
    static final String gitToken = "git-" + UUID.randomUUID();
    static final String agent = "cmds-" + Long.toHexString(System.nanoTime()).substring(6);

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("vmr-cmds-");
        git = new TokenGitServer(gitToken);
        git.serve(agent, AgentRepo.httpAgent(dir, agent).repository());
        server = new LocalServer(dir, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (server != null) Cleanup.removeAgent(server, agent);
        } finally {
            if (server != null) server.close();
            if (git != null) git.close();
        }
    }

    record Run(int status, String out, String err) {
        JsonNode json() throws Exception {
            return Cleanup.JSON.readTree(out);
        }
    }

    static Run vmr(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--url", server.url, "--token", server.token, "--json"));
        all.addAll(List.of(args));
        int status = Vmr.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(all.toArray(String[]::new));
        return new Run(status, out.toString(), err.toString());
    }

    static JsonNode api(String method, String path, String body) throws Exception {
        return Cleanup.json(server, method, path, body);
    }

    static void sameError(Run run, String method, String path, String body) throws Exception {
        var answer = Cleanup.send(server, method, path, body);
        assertThat(run.status()).as(run.err()).isEqualTo(Vmr.API_ERROR);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("vmr: " + answer.statusCode() + " " + Cleanup.JSON.readTree(answer.body()).get("detail").asText()
                + System.lineSeparator());
    }

    static JsonNode withoutProbes(JsonNode list) {
        ArrayNode copy = (ArrayNode) list.deepCopy();
        copy.forEach(c -> ((ObjectNode) c).remove(List.of("last_probe_outcome", "last_probe_at")));
        return copy;
    }

    static JsonNode without(JsonNode record, String field) {
        return ((ObjectNode) record.deepCopy()).without(field);
    }

    static JsonNode withoutPhases(JsonNode batch) {
        JsonNode copy = batch.deepCopy();
        copy.path("results").forEach(r -> ((ObjectNode) r.get("body")).remove("phases"));
        return copy;
    }

    @Test
    void everyCommand_withJson_printsTheApisAnswer() throws Exception {
        Run deploy = vmr("deploy", "--repo-url", git.url(agent), "--agent-name", agent, "--auth-token", gitToken, "--env", "GREETING=hi");
        assertThat(deploy.status()).as(deploy.err() + deploy.out()).isEqualTo(Vmr.OK);
        JsonNode record = deploy.json();
        String id = record.get("deployment_id").asText();
        String name = record.get("container_name").asText();
        // the record is written once more after the deploy ended (its image kept): updated_at may move
        assertThat(without(record, "updated_at")).isEqualTo(without(api("GET", "/deployments/" + id, null), "updated_at"));
        assertThat(record.get("status").asText()).isEqualTo("running");

        assertThat(without(vmr("status", id).json(), "updated_at")).isEqualTo(without(api("GET", "/deployments/" + id, null), "updated_at"));
        assertThat(withoutProbes(vmr("list").json())).isEqualTo(withoutProbes(api("GET", "/list", null)));
        assertThat(vmr("history", agent, "--limit", "5").json()).isEqualTo(api("GET", "/deployments?agent_name=" + agent + "&limit=5", null));
        assertThat(vmr("build-log", id).json()).isEqualTo(api("GET", "/deployments/" + id + "/log?offset=0", null));
        assertThat(vmr("audit", "--agent", agent, "--limit", "10").json()).isEqualTo(api("GET", "/audit?agent_name=" + agent + "&limit=10", null));

        // an agent's output grows between two reads: the later read holds the earlier one's lines
        String since = record.get("created_at").asText();
        JsonNode logs = api("GET", "/logs/" + name + "?since=" + since, null);
        JsonNode vmrLogs = vmr("logs", name, "--since", since).json();
        assertThat(vmrLogs.get("container_name")).isEqualTo(logs.get("container_name"));
        assertThat(vmrLogs.get("lines").size()).isGreaterThanOrEqualTo(logs.get("lines").size());
        for (int i = 0; i < logs.get("lines").size(); i++) assertThat(vmrLogs.get("lines").get(i)).isEqualTo(logs.get("lines").get(i));

        // the probe's answer counts requests: the rest is the same
        JsonNode health = api("GET", "/health/" + name + "?path=/", null);
        JsonNode vmrHealth = vmr("health", name, "--path", "/").json();
        assertThat(vmrHealth.get("container_status")).isEqualTo(health.get("container_status"));
        assertThat(vmrHealth.at("/http_probe/status_code")).isEqualTo(health.at("/http_probe/status_code"));
        assertThat(vmrHealth.at("/http_probe/response/message")).isEqualTo(health.at("/http_probe/response/message"));

        // the same deploy again is unchanged, in a batch too, through vmr as through the API
        ObjectNode item = Cleanup.JSON.createObjectNode().put("repo_url", git.url(agent)).put("agent_name", agent).put("auth_token", gitToken);
        item.putObject("environment").put("GREETING", "hi");
        Path batch = dir.resolve("batch.yaml");
        Files.writeString(batch, "deployments:\n  - repo_url: " + git.url(agent) + "\n    agent_name: " + agent
                + "\n    auth_token: " + gitToken + "\n    environment:\n      GREETING: hi\n");
        JsonNode apiBatch = api("POST", "/batch/deploy", "{\"deployments\": [" + item + "]}");
        assertThat(apiBatch.at("/results/0/body/unchanged").asBoolean()).as(apiBatch.toString()).isTrue();
        // each unchanged deploy has phases (its clone and compare) of its own times: the rest is the same
        assertThat(withoutPhases(vmr("batch", "deploy", batch.toString()).json())).isEqualTo(withoutPhases(apiBatch));

        sameError(vmr("rollback", agent), "POST", "/rollback", "{\"agent_name\": \"" + agent + "\"}");
        sameError(vmr("cancel", id), "DELETE", "/deployments/" + id, null);
        // a single engine is one node, running this agent's container
        JsonNode nodes = api("GET", "/nodes", null);
        assertThat(vmr("nodes").json()).isEqualTo(nodes);
        assertThat(nodes.at("/nodes/0/tasks").findValuesAsText("agent_name")).contains(agent);
        StringWriter table = new StringWriter();
        int status = Vmr.commandLine().setOut(new PrintWriter(table)).setErr(new PrintWriter(new StringWriter()))
                .execute("--url", server.url, "--token", server.token, "nodes");
        assertThat(status).isEqualTo(Vmr.OK);
        List<String> lines = table.toString().lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("ID", "HOSTNAME", "ADDRESS", "ROLE", "STATE", "AVAILABILITY", "TASKS");
        assertThat(lines.get(1)).startsWith(nodes.at("/nodes/0/node_id").asText())
                .endsWith(Integer.toString(nodes.at("/nodes/0/tasks").size()));

        // a stop that keeps the container answers the same when asked again
        Run stop = vmr("stop", name, "--keep");
        assertThat(stop.json()).isEqualTo(api("POST", "/stop", "{\"container_name\": \"" + name + "\", \"remove\": false}"));
        Path stops = dir.resolve("stops.json");
        Files.writeString(stops, "[{\"container_name\": \"" + name + "\", \"remove\": true}]");
        JsonNode removed = vmr("batch", "stop", stops.toString()).json();
        assertThat(removed.at("/results/0/status").asInt()).isEqualTo(200);
        assertThat(removed.at("/results/0/body/removed").asBoolean()).isTrue();
        // now gone: vmr and the API answer the same 404 item
        JsonNode gone = api("POST", "/batch/stop", "{\"containers\": " + Files.readString(stops) + "}");
        assertThat(gone.at("/results/0/status").asInt()).isEqualTo(404);
        Run again = vmr("batch", "stop", stops.toString());
        assertThat(again.status()).isEqualTo(Vmr.API_ERROR);
        assertThat(again.json()).isEqualTo(gone);
    }
}
