package dev.vmroutes.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A queued deploy's request in its two parts: what its record keeps, and what only the queue's
 * message carries (inline credentials and environment values are never written to the table).
 */
record QueuedRequest(ObjectNode stored, ObjectNode carried) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields of a deploy request never written to the table: they travel in the queue's message only. */
    static final List<String> NEVER_STORED = List.of("auth_token", "environment");
    /** The most a record keeps of a request (the rest of the item holds its progress and answer, within DynamoDB's 400 KB). */
    static final int MAX_STORED_REQUEST_BYTES = 64 * 1024;

    static QueuedRequest split(JsonNode body) {
        ObjectNode stored = body.deepCopy();
        ObjectNode carried = JSON.createObjectNode();
        for (String field : NEVER_STORED) {
            if (stored.has(field)) carried.set(field, stored.remove(field));
        }
        return new QueuedRequest(stored, carried);
    }

    /** 413 naming the largest field of the part that does not fit: the message ({@code messageBytes} of at most {@code messageLimit}) or the record. */
    void checkFits(int messageBytes, int messageLimit) {
        checkFits(carried, messageBytes, messageLimit, "the deploy queue's message");
        checkFits(stored, stored.toString().getBytes(StandardCharsets.UTF_8).length, MAX_STORED_REQUEST_BYTES, "the deployment's record");
    }

    private static void checkFits(ObjectNode fields, int size, int limit, String where) {
        if (size <= limit) return;
        String largest = "body";
        int largestSize = -1;
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) fields::fields) {
            int fieldSize = field.getValue().toString().length();
            if (fieldSize > largestSize) {
                largest = field.getKey();
                largestSize = fieldSize;
            }
        }
        throw VmException.tooLarge(largest, "the request needs " + size + " bytes in " + where + ", which holds at most " + limit);
    }

    /** The request as queued: the stored fields and what the message carried. */
    static JsonNode merge(Deployment queued, JsonNode carried) {
        try {
            ObjectNode body = (ObjectNode) JSON.readTree(queued.request() == null ? "{}" : queued.request());
            if (carried != null) carried.fields().forEachRemaining(f -> body.set(f.getKey(), f.getValue()));
            return body;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("deployment " + queued.id() + " holds a request that is not JSON", e);
        }
    }
}
