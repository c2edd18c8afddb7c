package dev.vmroutes.health;

import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Health samples in their own DynamoDB table: partition {@code agent_name}, sort {@code sample}
 * ({@code <time>#<container>}), so one agent's read in time order with one query. Items expire
 * after {@link HealthSample#RETENTION} ({@code expires_at}, the table's TTL attribute), and older
 * samples are never answered even before the TTL removes them.
 */
public final class DynamoHealthSamples implements HealthSamples {

    public static final String EXPIRES_AT = "expires_at";
    /** What one BatchWriteItem takes. */
    static final int BATCH = 25;
    private static final int WRITE_ATTEMPTS = 4;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoHealthSamples(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    public DynamoHealthSamples(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /** Creates the table (on-demand, with its time to live) when it does not exist. */
    public void createTableIfMissing() {
        call(() -> {
            try {
                dynamo.describeTable(r -> r.tableName(table));
                return null;
            } catch (ResourceNotFoundException missing) {
                // made below
            }
            try {
                dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(attribute("agent_name"), attribute("sample"))
                        .keySchema(key("agent_name", KeyType.HASH), key("sample", KeyType.RANGE)));
            } catch (ResourceInUseException createdMeanwhile) {
                // another process created it first
            }
            dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
            try {
                dynamo.updateTimeToLive(r -> r.tableName(table).timeToLiveSpecification(t -> t.attributeName(EXPIRES_AT).enabled(true)));
            } catch (DynamoDbException notSupported) {
                // a local DynamoDB-compatible server may not implement TTL; samples then stay
            }
            return null;
        });
    }

    @Override
    public void record(List<HealthSample> samples) {
        for (int from = 0; from < samples.size(); from += BATCH) {
            List<WriteRequest> writes = new ArrayList<>();
            for (HealthSample sample : samples.subList(from, Math.min(samples.size(), from + BATCH))) {
                writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item(sample)).build()).build());
            }
            for (int attempt = 1; !writes.isEmpty(); attempt++) {
                List<WriteRequest> batch = writes;
                var answer = call(() -> dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, batch))));
                writes = answer.hasUnprocessedItems() ? answer.unprocessedItems().getOrDefault(table, List.of()) : List.of();
                if (!writes.isEmpty() && attempt >= WRITE_ATTEMPTS) {
                    throw VmException.unavailable("health samples table", writes.size() + " samples were not written (throttled)", null);
                }
            }
        }
    }

    @Override
    public List<HealthSample> since(String agentName, Instant since) {
        Instant oldest = clock.instant().minus(HealthSample.RETENTION);
        String from = SampleKeys.time(since.isBefore(oldest) ? oldest : since);
        QueryRequest base = QueryRequest.builder().tableName(table)
                .keyConditionExpression("agent_name = :agent AND #sample >= :from")
                .expressionAttributeNames(Map.of("#sample", "sample"))
                .expressionAttributeValues(Map.of(":agent", AttributeValue.fromS(agentName), ":from", AttributeValue.fromS(from))).build();
        List<HealthSample> found = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest request = base.toBuilder().exclusiveStartKey(start).build();
            var page = call(() -> dynamo.query(request));
            page.items().forEach(item -> found.add(sample(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return found;
    }

    private static Map<String, AttributeValue> item(HealthSample sample) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("agent_name", AttributeValue.fromS(sample.agentName()));
        item.put("sample", AttributeValue.fromS(sample.key()));
        item.put("container_name", AttributeValue.fromS(sample.containerName()));
        item.put("at", AttributeValue.fromS(sample.at().toString()));
        item.put("up", AttributeValue.fromBool(sample.up()));
        if (sample.statusCode() != null) item.put("status_code", AttributeValue.fromN(sample.statusCode().toString()));
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(sample.at().plus(HealthSample.RETENTION).getEpochSecond())));
        return item;
    }

    private static HealthSample sample(Map<String, AttributeValue> item) {
        AttributeValue code = item.get("status_code");
        return new HealthSample(item.get("agent_name").s(), item.get("container_name").s(), Instant.parse(item.get("at").s()),
                Boolean.TRUE.equals(item.get("up").bool()), code == null ? null : Integer.valueOf(code.n()));
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    /** Unreachable, throttled or failing is {@link VmException.Kind#UNAVAILABLE}, as for the deployment table. */
    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (SdkClientException e) {
            throw VmException.unavailable("health samples table", "cannot be reached: " + Redactor.describe(e), e);
        } catch (DynamoDbException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw VmException.unavailable("health samples table", "busy or failing (" + e.statusCode() + ")", e);
            }
            throw e;
        }
    }
}
