package dev.vmroutes.cli;

import dev.vmroutes.testing.LocalServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The API asked directly (no vmr): what the tests compare with, and the removal of what they made. */
final class Cleanup {

    static final ObjectMapper JSON = new ObjectMapper();

    private Cleanup() {
    }

    static HttpResponse<String> send(LocalServer server, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url + "/api/v1/vm" + path))
                .header("Authorization", "Bearer " + server.token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", "application/json");
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(LocalServer server, String method, String path, String body) throws Exception {
        return JSON.readTree(send(server, method, path, body).body());
    }

    static JsonNode record(LocalServer server, String id) throws Exception {
        return json(server, "GET", "/deployments/" + id, null);
    }

    static void cancel(LocalServer server, String id) throws Exception {
        send(server, "DELETE", "/deployments/" + id, null);
    }

    /** Stops and removes every container of the agent. */
    static void removeAgent(LocalServer server, String agent) throws Exception {
        for (JsonNode container : json(server, "GET", "/list", null)) {
            if (agent.equals(container.path("agent_name").asText())) {
                send(server, "POST", "/stop", JSON.createObjectNode().put("container_name", container.path("container_name").asText())
                        .put("remove", true).toString());
            }
        }
    }
}
