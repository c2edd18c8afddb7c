package dev.vmroutes.audit;

import dev.vmroutes.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The DynamoDB audit trail against dynalite: the contract, the table's shape and each item's expiry. */
class DynamoAuditTrailIT extends AuditTrailContract {

    private static DynamoDbClient dynamo;
    private static String table;

    @BeforeAll
    static void createTable() {
        dynamo = TestEnvironment.dynamo();
        table = "audit-" + UUID.randomUUID();
        DynamoAuditTrail trail = new DynamoAuditTrail(dynamo, table, RETENTION);
        trail.createTableIfMissing();
        trail.createTableIfMissing(); // idempotent
    }

    @AfterAll
    static void dropTable() {
        dynamo.deleteTable(r -> r.tableName(table));
        dynamo.close();
    }

    @Override
    AuditTrail trail(Clock now) {
        return new DynamoAuditTrail(dynamo, table, RETENTION, now);
    }

    @Test
    void items_carryTheirDayAndExpiry_andTheTableItsIndex() {
        AuditEntry entry = entry("f1", now.minusSeconds(30), "deploy");
        trail.record(entry);
        String day = java.time.LocalDate.ofInstant(entry.at(), java.time.ZoneOffset.UTC).toString();
        var item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of(
                "day", AttributeValue.fromS(day), "entry", AttributeValue.fromS(AuditKeys.entry(entry))))).item();
        assertThat(item).containsEntry(DynamoAuditTrail.EXPIRES_AT,
                AttributeValue.fromN(Long.toString(entry.at().plus(RETENTION).getEpochSecond())));
        assertThat(item.get("principal").s()).isEqualTo("token:ci");
        var described = dynamo.describeTable(r -> r.tableName(table)).table();
        assertThat(described.keySchema()).extracting(k -> k.attributeName()).containsExactly("day", "entry");
        assertThat(described.globalSecondaryIndexes()).extracting(i -> i.indexName()).containsExactly(DynamoAuditTrail.AGENT_INDEX);
    }

    @Test
    void aListOfEveryAgent_readsABoundedNumberOfDays_anAgentsListReachesFurther() {
        java.time.Duration year = java.time.Duration.ofDays(365);
        AuditTrail longKept = new DynamoAuditTrail(dynamo, table, year, Clock.fixed(now, java.time.ZoneOffset.UTC));
        AuditEntry old = entry("g1", now.minus(java.time.Duration.ofDays(DynamoAuditTrail.MAX_QUERIES + 20)), "deploy");
        longKept.record(old);
        assertThat(longKept.list(null, null, 10, "g1"::equals)).as("one query a day, at most " + DynamoAuditTrail.MAX_QUERIES).isEmpty();
        assertThat(longKept.list("g1", null, 10, "g1"::equals)).containsExactly(old);
    }
}
