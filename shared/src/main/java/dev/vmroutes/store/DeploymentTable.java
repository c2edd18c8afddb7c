package dev.vmroutes.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.vmroutes.store.DynamoDeploymentStore.AGENT_INDEX;
import static dev.vmroutes.store.DynamoDeploymentStore.IN_PROGRESS_INDEX;
import static dev.vmroutes.store.DynamoDeploymentStore.LIVE_INDEX;

/** The deployments table's shape: its key, indexes and time to live, as the template declares them too. */
final class DeploymentTable {

    private DeploymentTable() {
    }

    /**
     * Creates the table (on-demand, with its indexes and time to live) when it does not exist. A
     * table made by an earlier version, without the sparse indexes list and the sweep read, is
     * refused with what to do, rather than answered from a scan.
     */
    static void ensure(DynamoDbClient dynamo, String table) {
        {
            try {
                var existing = dynamo.describeTable(r -> r.tableName(table)).table();
                Set<String> indexes = existing.globalSecondaryIndexes().stream().map(i -> i.indexName()).collect(Collectors.toSet());
                List<String> lacking = List.of(AGENT_INDEX, LIVE_INDEX, IN_PROGRESS_INDEX).stream().filter(i -> !indexes.contains(i)).toList();
                if (!lacking.isEmpty()) {
                    throw new IllegalStateException("the deployment table " + table + " has no index " + String.join(", ", lacking)
                            + ": it was made by an earlier version; add the indexes as docs/architecture.md describes them, or name a new table"
                            + " in VM_TABLE_NAME");
                }
                return;
            } catch (ResourceNotFoundException missing) {
                try {
                    dynamo.createTable(r -> r.tableName(table)
                            .billingMode(BillingMode.PAY_PER_REQUEST)
                            .attributeDefinitions(stringAttribute("id"), stringAttribute("agent_name"), stringAttribute("created_at"),
                                    stringAttribute(DeploymentItems.LIVE), stringAttribute(DeploymentItems.IN_PROGRESS),
                                    stringAttribute(DeploymentItems.DEADLINE_AT))
                            .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                            .globalSecondaryIndexes(index(AGENT_INDEX, "agent_name", "created_at"), liveIndex(), inProgressIndex()));
                } catch (ResourceInUseException createdMeanwhile) {
                    // another process created it first
                }
                dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
                try {
                    dynamo.updateTimeToLive(r -> r.tableName(table).timeToLiveSpecification(t -> t.attributeName(DeploymentItems.EXPIRES_AT).enabled(true)));
                } catch (DynamoDbException notSupported) {
                    // a local DynamoDB-compatible server may not implement TTL; records then stay
                }
            }
        }
    }

    private static GlobalSecondaryIndex liveIndex() {
        return index(LIVE_INDEX, DeploymentItems.LIVE, "created_at");
    }

    private static GlobalSecondaryIndex inProgressIndex() {
        return index(IN_PROGRESS_INDEX, DeploymentItems.IN_PROGRESS, DeploymentItems.DEADLINE_AT);
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static GlobalSecondaryIndex index(String name, String hash, String range) {
        return GlobalSecondaryIndex.builder().indexName(name)
                .keySchema(KeySchemaElement.builder().attributeName(hash).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(range).keyType(KeyType.RANGE).build())
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }
}
