package dev.vmroutes.functions.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.functions.OpenApiContract;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The event files of events/, adapted to what a test made (a body, a container's name). */
final class ApiEvents {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EVENTS = Path.of("..", "events");

    private ApiEvents() {
    }

    static ObjectNode event(String file) throws Exception {
        return (ObjectNode) JSON.readTree(Files.readString(EVENTS.resolve(file)));
    }

    static ObjectNode withBody(ObjectNode event, JsonNode body) {
        return event.put("body", body.toString());
    }

    static ObjectNode forContainer(ObjectNode event, String route, String name) {
        String path = "/api/v1/vm/" + route + "/" + name;
        event.put("rawPath", path);
        ((ObjectNode) event.get("requestContext").get("http")).put("path", path);
        ((ObjectNode) event.get("pathParameters")).put("container_name", name);
        return event;
    }

    static JsonNode body(JsonNode response) throws Exception {
        assertThat(response.has("statusCode")).as(response.toString()).isTrue();
        return JSON.readTree(response.get("body").asText());
    }


    /** The function's answer to an HTTP API event, held to the OpenAPI document; other answers (the sweep's) as they are. */
    static JsonNode checked(JsonNode event, JsonNode response) {
        if (event.has("requestContext") && response.has("statusCode")) {
            OpenApiContract.check(event.at("/requestContext/http/method").asText(), event.get("rawPath").asText(),
                    response.get("statusCode").asInt(), response.get("body").asText());
        }
        return response;
    }
}
