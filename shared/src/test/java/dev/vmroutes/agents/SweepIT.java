package dev.vmroutes.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Results;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The sweep over ten containers of mixed health, one vanished container and one without a record. */
// Alone: its verdicts depend on every agent answering its health check in time, which a machine busy with other classes' builds cannot promise.
@org.junit.jupiter.api.parallel.Isolated
class SweepIT {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRoutes env = new TestRoutes().with("VM_READY_TIMEOUT_SECONDS", "3");
    static final String AGENT = "sweep";
    static String unrecordedId;

    static Results.Deployed deploy(Map<String, String> environment, String... cmd) throws InterruptedException {
        ObjectNode body = env.body(AGENT).put("replace", false); // every deploy of the agent stays

        ObjectNode env = body.putObject("environment");
        environment.forEach(env::put);
        if (cmd.length > 0) {
            var array = body.putArray("startup_cmd");
            for (String part : cmd) array.add(part);
        }
        return SweepIT.env.deploy(body);
    }

    @Test
    void sweep_mixedHealth_recordsEachOutcomeMarksVanishedLostAndEmitsEmf() throws Exception {
        Map<String, String> expected = new HashMap<>();
        List<Results.Deployed> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Results.Deployed d = deploy(Map.of());
            expected.put(d.deploymentId(), "healthy");
            all.add(d);
        }
        for (int i = 0; i < 2; i++) {
            Results.Deployed d = deploy(Map.of("HEALTH_CODE", "503"));
            expected.put(d.deploymentId(), "unhealthy");
            all.add(d);
        }
        for (int i = 0; i < 2; i++) {
            Results.Deployed d = deploy(Map.of(), "python", "-c", "print('done')");
            expected.put(d.deploymentId(), "not_running");
            all.add(d);
        }
        Results.Deployed vanished = deploy(Map.of());
        env.docker.removeContainerCmd(vanished.containerId()).withForce(true).exec();
        unrecordedId = env.docker.createContainerCmd("python:3.11-slim").withName("jules-agent-unrecorded-" + System.nanoTime())
                .withLabels(Map.of("jules.managed", "true", "jules.agent", AGENT))
                .withCmd("python", "-c", "import time; time.sleep(300)").exec().getId();
        env.docker.startContainerCmd(unrecordedId).exec();

        Results.SweepSummary summary = env.sweep();

        for (Results.Deployed d : all) {
            Deployment record = env.store.get(d.deploymentId()).orElseThrow();
            assertThat(record.lastProbeOutcome()).as(d.containerName()).isEqualTo(expected.get(d.deploymentId()));
            assertThat(record.lastProbeAt()).isNotNull();
        }
        assertThat(env.store.get(vanished.deploymentId()).orElseThrow().status()).isEqualTo("lost");
        assertThat(summary.lost()).isEqualTo(1);
        assertThat(summary.unrecorded()).isGreaterThanOrEqualTo(1);
        assertThat(summary.checked()).isGreaterThanOrEqualTo(10);
        assertThat(summary.outcomes().get("healthy")).isGreaterThanOrEqualTo(5);
        assertThat(summary.outcomes().get("unhealthy")).isGreaterThanOrEqualTo(2);
        assertThat(summary.outcomes().get("not_running")).isGreaterThanOrEqualTo(2);

        List<String> sweepLines = env.metricLines.stream().filter(l -> l.contains("\"Service\":\"health-sweep\"")).toList();
        assertThat(sweepLines).hasSize(1);
        JsonNode emf = JSON.readTree(sweepLines.get(0));
        JsonNode directive = emf.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(emf.get("_aws").get("Timestamp").isIntegralNumber()).isTrue();
        assertThat(directive.get("Namespace").asText()).isEqualTo("VmRoutes");
        for (JsonNode dimensionSet : directive.get("Dimensions")) {
            for (JsonNode dimension : dimensionSet) assertThat(emf.has(dimension.asText())).isTrue();
        }
        for (JsonNode metric : directive.get("Metrics")) {
            assertThat(emf.get(metric.get("Name").asText()).isNumber()).as(metric.toString()).isTrue();
        }
        assertThat(emf.get("healthy").asInt()).isEqualTo(summary.outcomes().get("healthy"));
        assertThat(emf.get("lost").asInt()).isEqualTo(1);
    }
}
