package dev.vmroutes.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.vmroutes.api.Results;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** The metric lines are EMF documents the specification accepts, with the names the template's alarms and dashboard use. */
class MetricsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonSchema EMF = emfSchema();
    static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    static final List<Results.Phase> PHASES = List.of(new Results.Phase("clone", AT, AT, 120),
            new Results.Phase("build", AT, AT, 4000), new Results.Phase("start", AT, AT, 300), new Results.Phase("ready", AT, AT, 900));

    static JsonSchema emfSchema() {
        try (InputStream in = MetricsTest.class.getResourceAsStream("/emf.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks a line against the schema and the rules the schema cannot say: every dimension and metric has its value. */
    static JsonNode valid(String line) throws Exception {
        JsonNode emf = JSON.readTree(line);
        assertThat(EMF.validate(emf)).as(line).isEmpty();
        for (JsonNode directive : emf.get("_aws").get("CloudWatchMetrics")) {
            assertThat(directive.get("Namespace").asText()).isEqualTo(Metrics.NAMESPACE);
            for (JsonNode set : directive.get("Dimensions")) {
                for (JsonNode dimension : set) {
                    assertThat(emf.path(dimension.asText()).isTextual()).as("dimension %s of %s", dimension, line).isTrue();
                    assertThat(emf.get(dimension.asText()).asText()).isNotBlank();
                }
            }
            for (JsonNode metric : directive.get("Metrics")) assertThat(emf.path(metric.get("Name").asText()).isNumber()).as(line).isTrue();
        }
        return emf;
    }

    static List<String> metricNames(JsonNode emf) {
        return StreamSupport.stream(emf.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").spliterator(), false)
                .map(m -> m.get("Name").asText()).toList();
    }

    static List<List<String>> dimensions(JsonNode emf) {
        List<List<String>> sets = new ArrayList<>();
        for (JsonNode set : emf.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions")) {
            sets.add(StreamSupport.stream(set.spliterator(), false).map(JsonNode::asText).toList());
        }
        return sets;
    }

    @Test
    void operationLine_isEmf_byOperationAndOutcome_withTheAgentAsAPropertyOnly() throws Exception {
        List<String> lines = new ArrayList<>();
        new Metrics(lines::add, false).operation("deploy", "agent-one", "ready", PHASES, 5400, AT);
        assertThat(lines).hasSize(1);
        JsonNode emf = valid(lines.get(0));
        assertThat(emf.get("_aws").get("Timestamp").asLong()).isEqualTo(AT.toEpochMilli());
        assertThat(dimensions(emf)).containsExactly(List.of(Metrics.OPERATION, Metrics.OUTCOME));
        assertThat(emf.get(Metrics.OPERATION).asText()).isEqualTo("deploy");
        assertThat(emf.get(Metrics.OUTCOME).asText()).isEqualTo("ready");
        assertThat(emf.get(Metrics.AGENT).asText()).isEqualTo("agent-one");
        assertThat(metricNames(emf)).containsExactlyInAnyOrder("count", "duration", "clone_duration", "build_duration", "start_duration", "ready_duration");
        assertThat(emf.get("build_duration").asLong()).isEqualTo(4000);
        assertThat(emf.get("count").asInt()).isEqualTo(1);
    }

    @Test
    void operationLine_byAgentToo_onlyWhenEnabled_andNeverWithoutAnAgent() throws Exception {
        List<String> lines = new ArrayList<>();
        Metrics perAgent = new Metrics(lines::add, true);
        perAgent.operation("replace", "agent-two", "ready", PHASES, 5400, AT);
        perAgent.operation("stop", null, "removed", List.of(new Results.Phase("stop", AT, AT, 50)), 60, AT);
        assertThat(dimensions(valid(lines.get(0))))
                .containsExactly(List.of(Metrics.OPERATION, Metrics.OUTCOME), List.of(Metrics.OPERATION, Metrics.AGENT));
        JsonNode unlabelled = valid(lines.get(1));
        assertThat(dimensions(unlabelled)).containsExactly(List.of(Metrics.OPERATION, Metrics.OUTCOME));
        assertThat(unlabelled.has(Metrics.AGENT)).isFalse();
        assertThat(metricNames(unlabelled)).containsExactlyInAnyOrder("count", "duration", "stop_duration");
    }

    @Test
    void sweepLine_isEmf_byService_withEveryOutcomeAndTotal() throws Exception {
        List<String> lines = new ArrayList<>();
        new Metrics(lines::add, true).sweep(new Results.SweepSummary(5, Map.of("healthy", 3, "unhealthy", 2), 1, 0, 0, 80), AT);
        JsonNode emf = valid(lines.get(0));
        assertThat(dimensions(emf)).containsExactly(List.of(Metrics.SERVICE));
        assertThat(emf.get(Metrics.SERVICE).asText()).isEqualTo(Metrics.SWEEP_SERVICE);
        List<String> expected = new ArrayList<>(Metrics.SWEEP_OUTCOMES);
        expected.addAll(Metrics.SWEEP_TOTALS);
        expected.add(Metrics.DURATION);
        assertThat(metricNames(emf)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(emf.get("unhealthy").asInt()).isEqualTo(2);
        assertThat(emf.get("not_running").asInt()).isZero();
        assertThat(emf.get("checked").asInt()).isEqualTo(5);
    }
}
