package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds an answer the tests received to the OpenAPI document the application serves: the route
 * (method and path) must be documented, and the body must match the schema documented for its
 * status (or the default one). The schemas forbid unknown fields, so neither can drift.
 */
public final class OpenApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private OpenApiContract() {
    }

    public static JsonNode document() {
        return OpenApiDocument.get();
    }

    /** Fails the test unless {@code body} is what the document says {@code method path} answers with {@code status}. */
    public static void check(String method, String path, int status, String body) {
        JsonNode operation = operation(method, stripQuery(path));
        JsonNode schemaNode;
        if (operation == null) {
            // A path no route serves (a hostile or malformed one) is still answered with the error shape.
            assertThat(status).as(method + " " + path + " is not in the OpenAPI document").isGreaterThanOrEqualTo(400);
            schemaNode = JSON.createObjectNode().put("$ref", "#/components/schemas/Error");
        } else {
            JsonNode responses = operation.get("responses");
            JsonNode response = responses.has(Integer.toString(status)) ? responses.get(Integer.toString(status)) : responses.get("default");
            assertThat(response).as(method + " " + path + " documents no answer " + status).isNotNull();
            schemaNode = response.at("/content/application~1json/schema");
        }
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.setAll((ObjectNode) schemaNode.deepCopy());
        schema.set("components", document().get("components"));
        JsonSchema validator = SCHEMAS.getSchema(schema);
        JsonNode value;
        try {
            value = JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " answered " + status + " with no JSON: " + body, e);
        }
        Set<ValidationMessage> errors = validator.validate(value);
        assertThat(errors).as(method + " " + path + " " + status + " against the OpenAPI document: " + body).isEmpty();
    }

    private static JsonNode operation(String method, String path) {
        for (Iterator<Map.Entry<String, JsonNode>> paths = document().get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = paths.next();
            String pattern = entry.getKey().replaceAll("\\{[^}/]+}", "[^/]+");
            if (path.matches(pattern) && entry.getValue().has(method.toLowerCase())) return entry.getValue().get(method.toLowerCase());
        }
        return null;
    }

    private static String stripQuery(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }
}
