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
        store = new DynamoDeploymentStore(dynamo, "deployments-" + UUID.randomUUID());
        store.createTableIfMissing();
        store.createTableIfMissing(); // idempotent
    }

    @Override
    DeploymentStore store() {
        return store;
    }

    @Test
    void unreachableTable_isReportedAsUnavailable() {
        var unreachable = DynamoDbClient.builder()
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()
                        .connectionTimeout(java.time.Duration.ofSeconds(1)).build())
                .endpointOverride(java.net.URI.create("http://127.0.0.1:1"))
                .build();
        var broken = new DynamoDeploymentStore(unreachable, "t");
        assertThatThrownBy(() -> broken.get("x")).isInstanceOf(DeploymentStore.StoreUnavailableException.class);
        assertThat(dynamo.listTables().tableNames()).isNotEmpty();
    }
}
