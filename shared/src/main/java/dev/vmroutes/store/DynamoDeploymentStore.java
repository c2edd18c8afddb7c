package dev.vmroutes.store;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Deployment records in DynamoDB: one item per deployment keyed by {@code id}, global
 * secondary indexes on {@code container_name} and on {@code agent_name} + {@code created_at}, and a {@code version} attribute that every write
 * is conditional on. Each deployment's latest probe is a second item, {@code <id>#probe}, with a
 * {@code probe_of} attribute and no container name (so the index leaves it out), written in
 * batches of 25.
 */
public final class DynamoDeploymentStore implements DeploymentStore {

    public static final String CONTAINER_NAME_INDEX = "container_name-index";
    public static final String AGENT_INDEX = "agent_name-created_at-index";
    private static final String LOCK_PREFIX = "lock#";
    private static final String PROBE_SUFFIX = DeploymentItems.PROBE_SUFFIX;
    private static final int BATCH_LIMIT = 25;
    private static final int BATCH_ATTEMPTS = 5;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDeploymentStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    /** Creates the table (on-demand, with the container-name index) when it does not exist. */
    public void createTableIfMissing() {
        call(() -> {
            try {
                dynamo.describeTable(r -> r.tableName(table));
                return null;
            } catch (ResourceNotFoundException missing) {
                try {
                    dynamo.createTable(r -> r.tableName(table)
                            .billingMode(BillingMode.PAY_PER_REQUEST)
                            .attributeDefinitions(
                                    AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build(),
                                    AttributeDefinition.builder().attributeName("container_name").attributeType(ScalarAttributeType.S).build(),
                                    AttributeDefinition.builder().attributeName("agent_name").attributeType(ScalarAttributeType.S).build(),
                                    AttributeDefinition.builder().attributeName("created_at").attributeType(ScalarAttributeType.S).build())
                            .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                            .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                                    .indexName(CONTAINER_NAME_INDEX)
                                    .keySchema(KeySchemaElement.builder().attributeName("container_name").keyType(KeyType.HASH).build())
                                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                                    .build(),
                                    GlobalSecondaryIndex.builder()
                                    .indexName(AGENT_INDEX)
                                    .keySchema(KeySchemaElement.builder().attributeName("agent_name").keyType(KeyType.HASH).build(),
                                            KeySchemaElement.builder().attributeName("created_at").keyType(KeyType.RANGE).build())
                                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                                    .build()));
                } catch (ResourceInUseException createdMeanwhile) {
                    // another process created it first
                }
                dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
                return null;
            }
        });
    }

    @Override
    public Deployment create(Deployment deployment) {
        Deployment stored = deployment.withVersion(1);
        return call(() -> {
            try {
                dynamo.putItem(PutItemRequest.builder().tableName(table).item(DeploymentItems.toItem(stored))
                        .conditionExpression("attribute_not_exists(id)").build());
                return stored;
            } catch (ConditionalCheckFailedException e) {
                throw new ConflictingWriteException(deployment.id());
            }
        });
    }

    @Override
    public Optional<Deployment> get(String id) {
        return call(() -> {
            var item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(id))).item();
            return item == null || item.isEmpty() ? Optional.<Deployment>empty() : Optional.of(withProbe(DeploymentItems.fromItem(item)));
        });
    }

    @Override
    public Optional<Deployment> findByContainerName(String containerName) {
        return call(() -> dynamo.queryPaginator(r -> r.tableName(table).indexName(CONTAINER_NAME_INDEX)
                        .keyConditionExpression("container_name = :name")
                        .expressionAttributeValues(Map.of(":name", AttributeValue.fromS(containerName))))
                .items().stream().map(DeploymentItems::fromItem)
                .max(Comparator.comparing(Deployment::createdAt))
                .map(this::withProbe));
    }

    @Override
    public List<Deployment> findByAgent(String agentName) {
        return call(() -> dynamo.queryPaginator(r -> r.tableName(table).indexName(AGENT_INDEX).scanIndexForward(false)
                        .keyConditionExpression("agent_name = :agent")
                        .expressionAttributeValues(Map.of(":agent", AttributeValue.fromS(agentName))))
                .items().stream().map(DeploymentItems::fromItem).toList());
    }

    private Deployment withProbe(Deployment d) {
        var probe = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(d.id() + PROBE_SUFFIX))).item();
        return probe == null || probe.isEmpty() ? d : d.withProbe(DeploymentItems.probeFromItem(probe));
    }

    @Override
    public List<Deployment> list() {
        return call(() -> {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().forEach(items::add);
            return merged(items);
        });
    }

    @Override
    public void recordProbes(List<Probe> probes) {
        for (int from = 0; from < probes.size(); from += BATCH_LIMIT) {
            List<WriteRequest> batch = probes.subList(from, Math.min(probes.size(), from + BATCH_LIMIT)).stream()
                    .map(p -> WriteRequest.builder().putRequest(r -> r.item(DeploymentItems.probeItem(p))).build())
                    .toList();
            call(() -> {
                writeBatch(batch);
                return null;
            });
        }
    }

    /** Writes one batch, sending again what DynamoDB left unprocessed (throttling) after a short, growing pause. */
    private void writeBatch(List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> pending = Map.of(table, batch);
        for (int attempt = 1; ; attempt++) {
            Map<String, List<WriteRequest>> toSend = pending;
            pending = dynamo.batchWriteItem(r -> r.requestItems(toSend)).unprocessedItems();
            if (pending == null || pending.isEmpty()) return;
            if (attempt == BATCH_ATTEMPTS) {
                throw new StoreUnavailableException("the deployment table kept " + pending.get(table).size()
                        + " probe results unprocessed after " + attempt + " attempts", null);
            }
            try {
                Thread.sleep(25L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while writing probe results", e);
            }
        }
    }

    /** Records from a mix of record and probe items, each with its probe. */
    private static List<Deployment> merged(List<Map<String, AttributeValue>> items) {
        Map<String, Probe> probes = new HashMap<>();
        List<Deployment> records = new ArrayList<>();
        for (var item : items) {
            if (item.containsKey("lock_of")) continue;
            if (item.containsKey("probe_of")) {
                Probe probe = DeploymentItems.probeFromItem(item);
                probes.put(probe.deploymentId(), probe);
            } else {
                records.add(DeploymentItems.fromItem(item));
            }
        }
        return records.stream().map(d -> probes.containsKey(d.id()) ? d.withProbe(probes.get(d.id())) : d).toList();
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    @Override
    public Deployment update(Deployment deployment) {
        Deployment stored = deployment.withVersion(deployment.version() + 1);
        return call(() -> {
            try {
                dynamo.putItem(PutItemRequest.builder().tableName(table).item(DeploymentItems.toItem(stored))
                        .conditionExpression("version = :expected")
                        .expressionAttributeValues(Map.of(":expected", AttributeValue.fromN(Long.toString(deployment.version()))))
                        .build());
                return stored;
            } catch (ConditionalCheckFailedException e) {
                throw new ConflictingWriteException(deployment.id());
            }
        });
    }

    /** A lock is an item {@code lock#<agent>} holding the deployment and its expiry (epoch seconds), put on a condition. */
    @Override
    public Optional<String> lockAgent(String agentName, String deploymentId, Instant expiresAt, Instant now) {
        return call(() -> {
            try {
                dynamo.putItem(r -> r.tableName(table)
                        .item(Map.of("id", AttributeValue.fromS(LOCK_PREFIX + agentName), "lock_of", AttributeValue.fromS(agentName),
                                "holder", AttributeValue.fromS(deploymentId),
                                "expires_at", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond()))))
                        .conditionExpression("attribute_not_exists(id) OR expires_at < :now")
                        .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())))));
                return Optional.<String>empty();
            } catch (ConditionalCheckFailedException held) {
                var item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(LOCK_PREFIX + agentName))).item();
                return Optional.of(item == null || !item.containsKey("holder") ? "unknown" : item.get("holder").s());
            }
        });
    }

    @Override
    public void unlockAgent(String agentName, String deploymentId) {
        call(() -> {
            try {
                dynamo.deleteItem(r -> r.tableName(table).key(key(LOCK_PREFIX + agentName))
                        .conditionExpression("holder = :me")
                        .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(deploymentId))));
            } catch (ConditionalCheckFailedException notOurs) {
                // expired and taken by another deploy, or already gone
            }
            return null;
        });
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (SdkClientException e) {
            throw new StoreUnavailableException("the deployment table cannot be reached", e);
        } catch (DynamoDbException e) {
            // Throttled, or DynamoDB's own failure: worth retrying later, not the caller's mistake.
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw new StoreUnavailableException("the deployment table is busy or failing (" + e.statusCode() + ")", e);
            }
            throw e;
        }
    }
}
