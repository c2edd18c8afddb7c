package dev.vmroutes.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Set;

/** A validated stop request: the container and whether to remove it (the spec's default: yes). */
public record StopRequest(String containerName, boolean remove) {

    private static final Set<String> FIELDS = Set.of("container_name", "remove");

    public StopRequest {
        ContainerNames.check(containerName);
    }

    public static StopRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) throw VmException.invalid("body", "must be a JSON object");
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) throw VmException.invalid(DeployRequestParser.safeName(field), "unknown field");
        }
        JsonNode name = body.get("container_name");
        if (name == null || name.isNull()) throw VmException.invalid("container_name", "is required");
        if (!name.isTextual()) throw VmException.invalid("container_name", "must be a string");
        JsonNode remove = body.get("remove");
        if (remove != null && !remove.isNull() && !remove.isBoolean()) {
            throw VmException.invalid("remove", "must be true or false");
        }
        return new StopRequest(name.textValue(), remove == null || remove.isNull() || remove.booleanValue());
    }
}
