package dev.vmroutes.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static dev.vmroutes.store.DynamoDeploymentStore.call;

/** The agents' deploy locks in the deployments table: see {@link DeploymentStore#lockAgent} and the calls beside it. */
final class DynamoAgentLocks {

    private static final String LOCK_PREFIX = "lock#";

    private final DynamoDbClient dynamo;
    private final String table;

    DynamoAgentLocks(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String agentName) {
        return Map.of("id", AttributeValue.fromS(LOCK_PREFIX + agentName));
    }

    /**
     * A lock is an item {@code lock#<agent>} holding the deployment and when its lease ends (epoch
     * seconds, which the table's TTL also reads: an expired lock is removed eventually), put on a condition.
     */
    Optional<String> take(String agentName, String deploymentId, Instant expiresAt, Instant now) {
        return call(() -> {
            try {
                putLock(agentName, deploymentId, expiresAt, "attribute_not_exists(id) OR expires_at < :now",
                        Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond()))));
                return Optional.<String>empty();
            } catch (ConditionalCheckFailedException held) {
                return Optional.of(read(agentName).map(DeploymentStore.Lock::holder).orElse("unknown"));
            }
        });
    }

    boolean takeOver(String agentName, String deploymentId, Instant expiresAt, Instant now) {
        return conditionalLockWrite(() -> putLock(agentName, deploymentId, expiresAt,
                "attribute_not_exists(id) OR holder = :me OR expires_at < :now",
                Map.of(":me", AttributeValue.fromS(deploymentId), ":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())))));
    }

    boolean renew(String agentName, String deploymentId, Instant expiresAt) {
        return conditionalLockWrite(() -> putLock(agentName, deploymentId, expiresAt, "holder = :me",
                Map.of(":me", AttributeValue.fromS(deploymentId))));
    }

    Optional<DeploymentStore.Lock> read(String agentName) {
        return call(() -> {
            var item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(agentName))).item();
            if (item == null || !item.containsKey("holder")) return Optional.<DeploymentStore.Lock>empty();
            return Optional.of(new DeploymentStore.Lock(item.get("holder").s(), Instant.ofEpochSecond(Long.parseLong(item.get("expires_at").n()))));
        });
    }

    private void putLock(String agentName, String deploymentId, Instant expiresAt, String condition, Map<String, AttributeValue> values) {
        dynamo.putItem(r -> r.tableName(table)
                .item(Map.of("id", AttributeValue.fromS(LOCK_PREFIX + agentName), "lock_of", AttributeValue.fromS(agentName),
                        "holder", AttributeValue.fromS(deploymentId),
                        "expires_at", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond()))))
                .conditionExpression(condition)
                .expressionAttributeValues(values));
    }

    private static boolean conditionalLockWrite(Runnable write) {
        return call(() -> {
            try {
                write.run();
                return true;
            } catch (ConditionalCheckFailedException lost) {
                return false;
            }
        });
    }

    void release(String agentName, String deploymentId) {
        call(() -> {
            try {
                dynamo.deleteItem(r -> r.tableName(table).key(key(agentName))
                        .conditionExpression("holder = :me")
                        .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(deploymentId))));
            } catch (ConditionalCheckFailedException notOurs) {
                // expired and taken by another deploy, or already gone
            }
            return null;
        });
    }
}
