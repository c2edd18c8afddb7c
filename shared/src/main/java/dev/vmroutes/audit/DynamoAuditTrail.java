package dev.vmroutes.audit;

import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The audit trail in its own DynamoDB table: partition {@code day} ({@code yyyy-MM-dd}, UTC), sort
 * {@code entry} ({@code <instant>#<id>}), so a day's entries read newest first; the index
 * {@code agent_name-entry-index} holds each agent's. Items expire with the records' retention
 * ({@code expires_at}, the table's TTL attribute), and entries past it are never answered even
 * before the TTL removes them.
 *
 * <p>Reads are bounded: one {@link #list} makes at most {@link #MAX_QUERIES} queries of at most
 * {@link #PAGE} items each. Without an agent it reads day by day from today back to the day of
 * {@code since} (or as far as the retention), so when the caller sees few of the entries, or many
 * days hold none, an answer may stop short of {@code limit} before the oldest entry kept.
 */
public final class DynamoAuditTrail implements AuditTrail {

    public static final String AGENT_INDEX = "agent_name-entry-index";
    public static final String EXPIRES_AT = "expires_at";
    static final int PAGE = 100;
    static final int MAX_QUERIES = 200;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final Clock clock;

    public DynamoAuditTrail(DynamoDbClient dynamo, String table, Duration retention) {
        this(dynamo, table, retention, Clock.systemUTC());
    }

    public DynamoAuditTrail(DynamoDbClient dynamo, String table, Duration retention, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
    }

    public String table() {
        return table;
    }

    /** Creates the table (on-demand, with its index and time to live) when it does not exist. */
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
                        .attributeDefinitions(attribute("day"), attribute("entry"), attribute("agent_name"))
                        .keySchema(key("day", KeyType.HASH), key("entry", KeyType.RANGE))
                        .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(AGENT_INDEX)
                                .keySchema(key("agent_name", KeyType.HASH), key("entry", KeyType.RANGE))
                                .projection(p -> p.projectionType(ProjectionType.ALL)).build()));
            } catch (ResourceInUseException createdMeanwhile) {
                // another process created it first
            }
            dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
            try {
                dynamo.updateTimeToLive(r -> r.tableName(table).timeToLiveSpecification(t -> t.attributeName(EXPIRES_AT).enabled(true)));
            } catch (DynamoDbException notSupported) {
                // a local DynamoDB-compatible server may not implement TTL; entries then stay
            }
            return null;
        });
    }

    @Override
    public void record(AuditEntry entry) {
        AuditKeys.check(entry);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("day", AttributeValue.fromS(AuditKeys.day(entry.at()).toString()));
        item.put("entry", AttributeValue.fromS(AuditKeys.entry(entry)));
        item.put("id", AttributeValue.fromS(entry.id()));
        item.put("at", AttributeValue.fromS(AuditKeys.time(entry.at())));
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(AuditKeys.expiresAt(entry, retention).getEpochSecond())));
        put(item, "action", entry.action());
        put(item, "agent_name", entry.agentName());
        put(item, "target", entry.target());
        put(item, "outcome", entry.outcome());
        put(item, "principal", entry.principal());
        put(item, "source_ip", entry.sourceIp());
        put(item, "request_id", entry.requestId());
        call(() -> dynamo.putItem(r -> r.tableName(table).item(item)));
    }

    @Override
    public List<AuditEntry> list(String agentName, Instant since, int limit, Predicate<String> visible) {
        if (agentName != null && !visible.test(agentName)) return List.of();
        Instant now = clock.instant();
        Instant oldest = now.minus(retention);
        Instant from = since == null || since.isBefore(oldest) ? oldest : since;
        Reading reading = new Reading(limit, e -> visible.test(e.agentName()));
        if (agentName != null) {
            reading.query(QueryRequest.builder().tableName(table).indexName(AGENT_INDEX)
                    .keyConditionExpression("agent_name = :key AND #entry >= :from")
                    .expressionAttributeNames(Map.of("#entry", "entry"))
                    .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(agentName),
                            ":from", AttributeValue.fromS(AuditKeys.time(from)))).build());
        } else {
            LocalDate fromDay = AuditKeys.day(from);
            for (LocalDate day = AuditKeys.day(now); !day.isBefore(fromDay) && !reading.done(); day = day.minusDays(1)) {
                reading.query(QueryRequest.builder().tableName(table).consistentRead(true)
                        .keyConditionExpression("#day = :key AND #entry >= :from")
                        .expressionAttributeNames(Map.of("#day", "day", "#entry", "entry"))
                        .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(day.toString()),
                                ":from", AttributeValue.fromS(AuditKeys.time(from)))).build());
            }
        }
        return reading.found;
    }

    /** One {@link #list}: what it found, and how many queries it has left. */
    private final class Reading {
        final List<AuditEntry> found = new ArrayList<>();
        final int limit;
        final Predicate<AuditEntry> answered;
        int queries;

        Reading(int limit, Predicate<AuditEntry> answered) {
            this.limit = limit;
            this.answered = answered;
        }

        boolean done() {
            return found.size() >= limit || queries >= MAX_QUERIES;
        }

        /** Reads the key's items newest first, a page at a time, until the limit, the end of the key or the bound. */
        void query(QueryRequest base) {
            Map<String, AttributeValue> start = null;
            do {
                queries++;
                QueryRequest request = base.toBuilder().scanIndexForward(false).limit(PAGE).exclusiveStartKey(start).build();
                var page = call(() -> dynamo.query(request));
                for (Map<String, AttributeValue> item : page.items()) {
                    AuditEntry entry = entry(item);
                    if (found.size() < limit && answered.test(entry)) found.add(entry);
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null && !done());
        }
    }

    private static AuditEntry entry(Map<String, AttributeValue> item) {
        return new AuditEntry(string(item, "id"), Instant.parse(string(item, "at")), string(item, "action"), string(item, "agent_name"),
                string(item, "target"), string(item, "outcome"), string(item, "principal"), string(item, "source_ip"),
                string(item, "request_id"));
    }

    private static void put(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) item.put(name, AttributeValue.fromS(value));
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
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
            throw VmException.unavailable("audit table", "cannot be reached: " + Redactor.describe(e), e);
        } catch (DynamoDbException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw VmException.unavailable("audit table", "busy or failing (" + e.statusCode() + ")", e);
            }
            throw e;
        }
    }
}
