package dev.vmroutes.store;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Build output in its own table, keyed by deployment and chunk number: reading a build's output
 * is one query for its last chunks, and each chunk expires ({@code expires_at}, the table's TTL
 * attribute) a month after it was written.
 */
public record DynamoBuildLogs(DynamoDbClient dynamo, String table) implements BuildLogs {

    private static final Duration KEPT_FOR = Duration.ofDays(30);

    public void createTableIfMissing() {
        try {
            dynamo.describeTable(r -> r.tableName(table));
        } catch (ResourceNotFoundException missing) {
            try {
                dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(
                                AttributeDefinition.builder().attributeName("deployment_id").attributeType(ScalarAttributeType.S).build(),
                                AttributeDefinition.builder().attributeName("seq").attributeType(ScalarAttributeType.N).build())
                        .keySchema(KeySchemaElement.builder().attributeName("deployment_id").keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName("seq").keyType(KeyType.RANGE).build()));
            } catch (ResourceInUseException createdMeanwhile) {
                // another process created it first
            }
            dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
        }
    }

    @Override
    public void append(String deploymentId, Chunk chunk) {
        call(() -> {
            dynamo.putItem(r -> r.tableName(table).item(Map.of(
                    "deployment_id", AttributeValue.fromS(deploymentId),
                    "seq", AttributeValue.fromN(Integer.toString(chunk.seq())),
                    "offset", AttributeValue.fromN(Long.toString(chunk.offset())),
                    "text", AttributeValue.fromS(chunk.text()),
                    "expires_at", AttributeValue.fromN(Long.toString(Instant.now().plus(KEPT_FOR).getEpochSecond())))));
            if (chunk.seq() >= KEPT_CHUNKS) {
                dynamo.deleteItem(r -> r.tableName(table).key(Map.of("deployment_id", AttributeValue.fromS(deploymentId),
                        "seq", AttributeValue.fromN(Integer.toString(chunk.seq() - KEPT_CHUNKS)))));
            }
            return null;
        });
    }

    @Override
    public List<Chunk> read(String deploymentId) {
        return call(() -> {
            List<Chunk> newestFirst = new ArrayList<>();
            dynamo.query(r -> r.tableName(table).consistentRead(true).scanIndexForward(false).limit(KEPT_CHUNKS)
                            .keyConditionExpression("deployment_id = :id")
                            .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(deploymentId))))
                    .items().forEach(i -> newestFirst.add(new Chunk(Integer.parseInt(i.get("seq").n()),
                            Long.parseLong(i.get("offset").n()), i.get("text").s())));
            Collections.reverse(newestFirst);
            return newestFirst;
        });
    }

    private static <T> T call(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw new DeploymentStore.StoreUnavailableException("the build log table: " + e.getMessage(), e);
        }
    }
}
