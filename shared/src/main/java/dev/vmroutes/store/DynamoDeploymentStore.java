package dev.vmroutes.store;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Deployment records in DynamoDB: one item per deployment keyed by {@code id}, with a
 * {@code version} attribute that every write is conditional on. Nothing reads the whole table:
 * an agent's history is the index on {@code agent_name} + {@code created_at}, read with a limit;
 * list and the sweep read the sparse {@code live-index} (only deployments with a container are in
 * it) and the sweep the sparse {@code in-progress-index}. Each deployment's latest probe is a second
 * item, {@code <id>#probe}, written in batches of 25 and read in batches of 100. Lock and probe
 * items expire, and so do records nothing needs any more (the table's TTL on {@code expires_at}).
 */
public final class DynamoDeploymentStore implements DeploymentStore {

    public static final String AGENT_INDEX = "agent_name-created_at-index";
    public static final String LIVE_INDEX = "live-index";
    public static final String IN_PROGRESS_INDEX = "in-progress-index";
    private static final int PAGE = 100;
    private static final String PROBE_SUFFIX = DeploymentItems.PROBE_SUFFIX;
    private static final int BATCH_LIMIT = 25;
    private static final int BATCH_ATTEMPTS = 5;

    private final DynamoDbClient dynamo;
    private final String table;
    private final java.time.Duration retention;
    private final DynamoAgentLocks locks;

    /** @param retention how long records nothing needs any more (and probes) are kept before the table's TTL removes them */
    public DynamoDeploymentStore(DynamoDbClient dynamo, String table, java.time.Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.locks = new DynamoAgentLocks(dynamo, table);
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public String table() {
        return table;
    }

    /** See {@link DeploymentTable#ensure}. */
    public void createTableIfMissing() {
        call(() -> {
            DeploymentTable.ensure(dynamo, table);
            return null;
        });
    }

    @Override
    public Deployment create(Deployment deployment) {
        Deployment stored = deployment.withVersion(1);
        return call(() -> {
            try {
                dynamo.putItem(PutItemRequest.builder().tableName(table).item(DeploymentItems.toItem(stored, retention))
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
    public List<Deployment> findByAgent(String agentName, int limit) {
        return call(() -> {
            List<Deployment> found = new ArrayList<>();
            Map<String, AttributeValue> from = null;
            do {
                Map<String, AttributeValue> start = from;
                var page = dynamo.query(r -> r.tableName(table).indexName(AGENT_INDEX).scanIndexForward(false)
                        .limit(Math.min(PAGE, limit - found.size())).exclusiveStartKey(start)
                        .keyConditionExpression("agent_name = :agent")
                        .expressionAttributeValues(Map.of(":agent", AttributeValue.fromS(agentName))));
                page.items().stream().map(DeploymentItems::fromItem).forEach(found::add);
                from = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (from != null && found.size() < limit);
            return found;
        });
    }

    @Override
    public List<Deployment> listLive() {
        return call(() -> withProbes(sparse(LIVE_INDEX, DeploymentItems.LIVE)));
    }

    @Override
    public List<Deployment> listInProgress() {
        return call(() -> sparse(IN_PROGRESS_INDEX, DeploymentItems.IN_PROGRESS));
    }

    /** Every item of a sparse index: those whose partition key attribute is set (always to {@link DeploymentItems#YES}). */
    private List<Deployment> sparse(String index, String attribute) {
        List<Deployment> found = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).indexName(index)
                        .keyConditionExpression("#k = :yes")
                        .expressionAttributeNames(Map.of("#k", attribute))
                        .expressionAttributeValues(Map.of(":yes", AttributeValue.fromS(DeploymentItems.YES))))
                .items().forEach(item -> found.add(DeploymentItems.fromItem(item)));
        return found;
    }

    /** The records, each with its latest probe, read 100 probe items a call. */
    private List<Deployment> withProbes(List<Deployment> records) {
        Map<String, Probe> probes = new HashMap<>();
        for (int from = 0; from < records.size(); from += PAGE) {
            List<Map<String, AttributeValue>> keys = records.subList(from, Math.min(records.size(), from + PAGE)).stream()
                    .map(d -> key(d.id() + PROBE_SUFFIX)).toList();
            Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder().keys(keys).build());
            for (int attempt = 1; pending != null && !pending.isEmpty(); attempt++) {
                Map<String, KeysAndAttributes> toRead = pending;
                var answer = dynamo.batchGetItem(r -> r.requestItems(toRead));
                answer.responses().getOrDefault(table, List.of()).forEach(item -> {
                    Probe probe = DeploymentItems.probeFromItem(item);
                    probes.put(probe.deploymentId(), probe);
                });
                pending = answer.unprocessedKeys();
                if (pending != null && !pending.isEmpty()) pause(attempt, "reading probe results");
            }
        }
        return records.stream().map(d -> probes.containsKey(d.id()) ? d.withProbe(probes.get(d.id())) : d).toList();
    }

    private Deployment withProbe(Deployment d) {
        var probe = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(d.id() + PROBE_SUFFIX))).item();
        return probe == null || probe.isEmpty() ? d : d.withProbe(DeploymentItems.probeFromItem(probe));
    }

    @Override
    public void recordProbes(List<Probe> probes) {
        for (int from = 0; from < probes.size(); from += BATCH_LIMIT) {
            List<WriteRequest> batch = probes.subList(from, Math.min(probes.size(), from + BATCH_LIMIT)).stream()
                    .map(p -> WriteRequest.builder().putRequest(r -> r.item(DeploymentItems.probeItem(p, retention))).build())
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
            pause(attempt, "writing probe results");
        }
    }

    /** A short, growing pause before sending again what DynamoDB left unprocessed (throttling); it gives up after a few. */
    private static void pause(int attempt, String doing) {
        if (attempt == BATCH_ATTEMPTS) {
            throw new StoreUnavailableException("the deployment table kept throttling while " + doing + " after " + attempt + " attempts", null);
        }
        try {
            Thread.sleep(25L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while " + doing, e);
        }
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    @Override
    public Deployment update(Deployment deployment) {
        Deployment stored = deployment.withVersion(deployment.version() + 1);
        return call(() -> {
            try {
                dynamo.putItem(PutItemRequest.builder().tableName(table).item(DeploymentItems.toItem(stored, retention))
                        .conditionExpression("version = :expected")
                        .expressionAttributeValues(Map.of(":expected", AttributeValue.fromN(Long.toString(deployment.version()))))
                        .build());
                return stored;
            } catch (ConditionalCheckFailedException e) {
                throw new ConflictingWriteException(deployment.id());
            }
        });
    }

    @Override
    public Optional<String> lockAgent(String agentName, String deploymentId, Instant expiresAt, Instant now) {
        return locks.take(agentName, deploymentId, expiresAt, now);
    }

    @Override
    public boolean takeOverLock(String agentName, String deploymentId, Instant expiresAt, Instant now) {
        return locks.takeOver(agentName, deploymentId, expiresAt, now);
    }

    @Override
    public boolean renewLock(String agentName, String deploymentId, Instant expiresAt) {
        return locks.renew(agentName, deploymentId, expiresAt);
    }

    @Override
    public Optional<Lock> readLock(String agentName) {
        return locks.read(agentName);
    }

    @Override
    public void unlockAgent(String agentName, String deploymentId) {
        locks.release(agentName, deploymentId);
    }

    /** Maps the client's failures: unreachable, throttled or failing is {@link StoreUnavailableException}. */
    static <T> T call(Supplier<T> action) {
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
