package dev.vmroutes.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Set;

/**
 * A validated stop request: the container and whether to remove it (the spec's default: yes).
 *
 * @param removeVolumes with {@code remove}: also delete the agent's volumes once no container of the agent uses them
 */
public record StopRequest(String containerName, boolean remove, boolean removeVolumes) {

    private static final Set<String> FIELDS = Set.of("container_name", "remove", "remove_volumes");

    public StopRequest(String containerName, boolean remove) {
        this(containerName, remove, false);
    }

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
        boolean removing = remove == null || remove.isNull() || remove.booleanValue();
        boolean removeVolumes = DeployRequestParser.flag(body, "remove_volumes", false);
        if (removeVolumes && !removing) throw VmException.invalid("remove_volumes", "needs remove: true");
        return new StopRequest(name.textValue(), removing, removeVolumes);
    }
}
