package dev.vmroutes.store;

import dev.vmroutes.testing.TestEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DynamoDB store against dynalite. */
class DynamoDeploymentStoreIT extends DeploymentStoreContract {

    private static DynamoDeploymentStore store;
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void createTable() {
        dynamo = TestEnvironment.dynamo();
        store = new DynamoDeploymentStore(dynamo, "deployments-" + UUID.randomUUID(), java.time.Duration.ofDays(90));
        store.createTableIfMissing();
        store.createTableIfMissing(); // idempotent
    }

    @Override
    DeploymentStore store() {
        return store;
    }

    @Test
    void items_expireOnceNothingNeedsThem_andLocksAndProbesExpire() {
        String agent = "ttl-" + System.nanoTime();
        java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
        Deployment failed = store.update(store.create(Deployment.building("f-" + agent, agent, "jules-agent-" + agent + "-1",
                "https://git.example/a.git", "main", t)).failed("build", "x", null, t));
        Deployment kept = store.update(store.create(Deployment.building("k-" + agent, agent, "jules-agent-" + agent + "-2",
                "https://git.example/a.git", "main", t)).ran("c", "sha", "img", "running", java.util.Map.of(), t, t));
        store.update(kept.replaced(failed.id(), t));
        store.recordProbes(java.util.List.of(new Probe(kept.id(), "healthy", "running", t)));
        store.lockAgent(agent, "holder", t.plusSeconds(60), t);
        assertThat(item(failed.id())).containsEntry("expires_at",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(Long.toString(t.plus(java.time.Duration.ofDays(90)).getEpochSecond())));
        assertThat(item(kept.id())).as("its image is kept: rollback may need it").doesNotContainKey("expires_at");
        assertThat(item(kept.id() + "#probe")).containsKey("expires_at");
        assertThat(item("lock#" + agent)).containsKey("expires_at");
        assertThat(dynamo.describeTable(r -> r.tableName(store.table())).table().globalSecondaryIndexes())
                .extracting(i -> i.indexName())
                .containsExactlyInAnyOrder(DynamoDeploymentStore.AGENT_INDEX, DynamoDeploymentStore.LIVE_INDEX,
                        DynamoDeploymentStore.IN_PROGRESS_INDEX);
    }

    private static java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item(String id) {
        return dynamo.getItem(r -> r.tableName(store.table()).consistentRead(true)
                .key(java.util.Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id)))).item();
    }

    @Test
    void aTableOfAnEarlierVersion_isRefusedWithWhatToDo() {
        String name = "deployments-old-" + UUID.randomUUID();
        var key = software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder();
        dynamo.createTable(r -> r.tableName(name)
                .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("id"), attribute("agent_name"), attribute("created_at"))
                .keySchema(key.attributeName("id").keyType("HASH").build())
                .globalSecondaryIndexes(g -> g.indexName(DynamoDeploymentStore.AGENT_INDEX)
                        .keySchema(software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder().attributeName("agent_name").keyType("HASH").build(),
                                software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder().attributeName("created_at").keyType("RANGE").build())
                        .projection(p -> p.projectionType("ALL"))));
        dynamo.waiter().waitUntilTableExists(r -> r.tableName(name));
        DynamoDeploymentStore earlier = new DynamoDeploymentStore(dynamo, name, java.time.Duration.ofDays(90));
        assertThatThrownBy(earlier::createTableIfMissing).hasMessageContaining("has no index live-index, in-progress-index")
                .hasMessageContaining("VM_TABLE_NAME");
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeDefinition attribute(String name) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder().attributeName(name).attributeType("S").build();
    }

    @Test
    void unreachableTable_isReportedAsUnavailable() {
        var unreachable = DynamoDbClient.builder()
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()
                        .connectionTimeout(java.time.Duration.ofSeconds(1)).build())
                .endpointOverride(java.net.URI.create("http://127.0.0.1:1"))
                .build();
        var broken = new DynamoDeploymentStore(unreachable, "t", java.time.Duration.ofDays(90));
        assertThatThrownBy(() -> broken.get("x")).isInstanceOf(DeploymentStore.StoreUnavailableException.class);
        assertThat(dynamo.listTables().tableNames()).isNotEmpty();
    }
}
