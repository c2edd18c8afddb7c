package dev.vmroutes.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Batch bodies, validated as a whole before anything starts: an invalid item is refused naming
 * its index and field ({@code deployments[2].agent_name: ...}), and nothing is created.
 */
public final class BatchRequests {

    public static final int MAX_DEPLOYS = 20;
    public static final int MAX_STOPS = 100;

    private BatchRequests() {
    }

    /** One deploy of a batch: its request as parsed, and as sent (what the deploy queue takes). */
    public record Deploy(DeployRequest request, JsonNode body) {
    }

    /** {@code {"deployments": [<deploy body>, ...]}}; one agent appears at most once. */
    public static List<Deploy> deploys(JsonNode body, DeployRequestParser parser) {
        return unique(items(body, "deployments", MAX_DEPLOYS, item -> new Deploy(parser.parse(item), item)),
                d -> d.request().agentName(), "deployments", "agent_name");
    }

    /** {@code {"containers": [<stop body>, ...]}}; one container appears at most once. */
    public static List<StopRequest> stops(JsonNode body) {
        return unique(items(body, "containers", MAX_STOPS, StopRequest::parse), StopRequest::containerName, "containers", "container_name");
    }

    private static <T> List<T> unique(List<T> requests, Function<T, String> key, String field, String keyField) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            if (!seen.add(key.apply(requests.get(i)))) {
                throw VmException.invalid(field + "[" + i + "]." + keyField, "appears more than once in the batch");
            }
        }
        return requests;
    }

    private static <T> List<T> items(JsonNode body, String field, int max, Function<JsonNode, T> parse) {
        if (body == null || !body.isObject()) throw VmException.invalid("body", "must be a JSON object");
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(field)) throw VmException.invalid(DeployRequestParser.safeName(name), "unknown field");
        }
        JsonNode items = body.get(field);
        if (items == null || !items.isArray() || items.isEmpty() || items.size() > max) {
            throw VmException.invalid(field, "must be an array of 1 to " + max + " requests");
        }
        List<T> parsed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                parsed.add(parse.apply(items.get(i)));
            } catch (VmException e) {
                throw new VmException(VmException.Kind.INVALID, field + "[" + i + "]." + e.detail(), null);
            }
        }
        return parsed;
    }
}
