package dev.vmroutes.health;

import dev.vmroutes.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Health samples in DynamoDB against dynalite: the contract, the table's shape and each item's expiry. */
class DynamoHealthSamplesIT extends HealthSamplesContract {

    private static DynamoDbClient dynamo;
    private static String table;

    @BeforeAll
    static void createTable() {
        dynamo = TestEnvironment.dynamo();
        table = "health-" + UUID.randomUUID();
        DynamoHealthSamples samples = new DynamoHealthSamples(dynamo, table);
        samples.createTableIfMissing();
        samples.createTableIfMissing(); // idempotent
    }

    @AfterAll
    static void dropTable() {
        dynamo.deleteTable(r -> r.tableName(table));
        dynamo.close();
    }

    @Override
    HealthSamples samples(Clock now) {
        return new DynamoHealthSamples(dynamo, table, now);
    }

    @Test
    void items_expireEightDaysAfterTheirCheck_andTheTableIsKeyedByAgentThenTime() {
        HealthSample sample = sample(agent, Duration.ofSeconds(30), true, 200);
        samples.record(List.of(sample));
        var item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of(
                "agent_name", AttributeValue.fromS(agent), "sample", AttributeValue.fromS(sample.key())))).item();
        assertThat(item).containsEntry(DynamoHealthSamples.EXPIRES_AT,
                AttributeValue.fromN(Long.toString(sample.at().plus(Duration.ofDays(8)).getEpochSecond())));
        assertThat(dynamo.describeTable(r -> r.tableName(table)).table().keySchema()).extracting(k -> k.attributeName())
                .containsExactly("agent_name", "sample");
    }
}
