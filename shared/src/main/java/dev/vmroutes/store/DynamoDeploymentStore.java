package dev.vmroutes.store;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
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
 * Deployment records in DynamoDB: one item per deployment keyed by {@code id}, a global
 * secondary index on {@code container_name}, and a {@code version} attribute that every write
 * is conditional on. Each deployment's latest probe is a second item, {@code <id>#probe}, with a
 * {@code probe_of} attribute and no container name (so the index leaves it out), written in
 * batches of 25.
 */
public final class DynamoDeploymentStore implements DeploymentStore {

    public static final String CONTAINER_NAME_INDEX = "container_name-index";
    private static final String PROBE_SUFFIX = "#probe";
    private static final int BATCH_LIMIT = 25;
    private static final int BATCH_ATTEMPTS = 5;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDeploymentStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
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
                                    AttributeDefinition.builder().attributeName("container_name").attributeType(ScalarAttributeType.S).build())
                            .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                            .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                                    .indexName(CONTAINER_NAME_INDEX)
                                    .keySchema(KeySchemaElement.builder().attributeName("container_name").keyType(KeyType.HASH).build())
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
                dynamo.putItem(PutItemRequest.builder().tableName(table).item(toItem(stored))
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
            return item == null || item.isEmpty() ? Optional.<Deployment>empty() : Optional.of(withProbe(fromItem(item)));
        });
    }

    @Override
    public Optional<Deployment> findByContainerName(String containerName) {
        return call(() -> dynamo.queryPaginator(r -> r.tableName(table).indexName(CONTAINER_NAME_INDEX)
                        .keyConditionExpression("container_name = :name")
                        .expressionAttributeValues(Map.of(":name", AttributeValue.fromS(containerName))))
                .items().stream().map(DynamoDeploymentStore::fromItem)
                .max(Comparator.comparing(Deployment::createdAt))
                .map(this::withProbe));
    }

    private Deployment withProbe(Deployment d) {
        var probe = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(d.id() + PROBE_SUFFIX))).item();
        return probe == null || probe.isEmpty() ? d : d.withProbe(probeFromItem(probe));
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
                    .map(p -> WriteRequest.builder().putRequest(r -> r.item(probeItem(p))).build())
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
            if (item.containsKey("probe_of")) {
                Probe probe = probeFromItem(item);
                probes.put(probe.deploymentId(), probe);
            } else {
                records.add(fromItem(item));
            }
        }
        return records.stream().map(d -> probes.containsKey(d.id()) ? d.withProbe(probes.get(d.id())) : d).toList();
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    private static Map<String, AttributeValue> probeItem(Probe p) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", AttributeValue.fromS(p.deploymentId() + PROBE_SUFFIX));
        item.put("probe_of", AttributeValue.fromS(p.deploymentId()));
        putString(item, "outcome", p.outcome());
        putString(item, "container_state", p.containerState());
        putInstant(item, "probed_at", p.at());
        return item;
    }

    private static Probe probeFromItem(Map<String, AttributeValue> item) {
        return new Probe(string(item, "probe_of"), string(item, "outcome"), string(item, "container_state"), instant(item, "probed_at"));
    }

    @Override
    public Deployment update(Deployment deployment) {
        Deployment stored = deployment.withVersion(deployment.version() + 1);
        return call(() -> {
            try {
                dynamo.putItem(PutItemRequest.builder().tableName(table).item(toItem(stored))
                        .conditionExpression("version = :expected")
                        .expressionAttributeValues(Map.of(":expected", AttributeValue.fromN(Long.toString(deployment.version()))))
                        .build());
                return stored;
            } catch (ConditionalCheckFailedException e) {
                throw new ConflictingWriteException(deployment.id());
            }
        });
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (SdkClientException e) {
            throw new StoreUnavailableException("the deployment table cannot be reached", e);
        }
    }

    static Map<String, AttributeValue> toItem(Deployment d) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", AttributeValue.fromS(d.id()));
        putString(item, "agent_name", d.agentName());
        putString(item, "container_name", d.containerName());
        putString(item, "container_id", d.containerId());
        putString(item, "repo_url", d.repoUrl());
        putString(item, "branch", d.branch());
        putString(item, "commit_sha", d.commitSha());
        putString(item, "image", d.image());
        putString(item, "status", d.status());
        putString(item, "failure_phase", d.failurePhase());
        putString(item, "failure_reason", d.failureReason());
        Map<String, AttributeValue> ports = new HashMap<>();
        d.ports().forEach((port, hostPort) -> ports.put(port, AttributeValue.fromN(hostPort.toString())));
        item.put("ports", AttributeValue.fromM(ports));
        putInstant(item, "created_at", d.createdAt());
        putInstant(item, "updated_at", d.updatedAt());
        item.put("version", AttributeValue.fromN(Long.toString(d.version())));
        return item;
    }

    static Deployment fromItem(Map<String, AttributeValue> item) {
        Map<String, Integer> ports = new HashMap<>();
        AttributeValue portsValue = item.get("ports");
        if (portsValue != null && portsValue.hasM()) {
            portsValue.m().forEach((port, hostPort) -> ports.put(port, Integer.valueOf(hostPort.n())));
        }
        return new Deployment(
                string(item, "id"), string(item, "agent_name"), string(item, "container_name"),
                string(item, "container_id"), string(item, "repo_url"), string(item, "branch"),
                string(item, "commit_sha"), string(item, "image"), string(item, "status"),
                string(item, "failure_phase"), string(item, "failure_reason"), ports,
                instant(item, "created_at"), instant(item, "updated_at"),
                string(item, "last_probe_outcome"), instant(item, "last_probe_at"),
                Long.parseLong(item.get("version").n()));
    }

    private static void putString(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) item.put(name, AttributeValue.fromS(value));
    }

    private static void putInstant(Map<String, AttributeValue> item, String name, Instant value) {
        if (value != null) item.put(name, AttributeValue.fromS(value.toString()));
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = string(item, name);
        return value == null ? null : Instant.parse(value);
    }
}
