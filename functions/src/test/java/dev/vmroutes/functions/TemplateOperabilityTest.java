package dev.vmroutes.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.metrics.Metrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The template's alarms and dashboard read metrics the code emits: every metric of the VmRoutes
 * namespace they name, and its dimensions, are taken from {@link Metrics}, not retyped.
 */
class TemplateOperabilityTest {

    static final List<String> ALARMS = List.of("DeadLetterAlarm", "WorkerErrorsAlarm", "DeployFailureRateAlarm",
            "SweepUnhealthyAlarm", "Api5xxAlarm", "TableThrottleAlarm");
    static JsonNode template;

    /** A metric as an alarm or a widget names it: namespace, name and dimensions. */
    record Named(String namespace, String name, Map<String, String> dimensions, String stat) {
    }

    @BeforeAll
    static void load() throws Exception {
        template = CloudFormationTemplate.load();
    }

    static Set<String> emittedNames() {
        Set<String> names = new HashSet<>(List.of(Metrics.COUNT, Metrics.DURATION));
        Metrics.DEPLOY_PHASES.forEach(p -> names.add(p + Metrics.PHASE_DURATION_SUFFIX));
        names.addAll(Metrics.SWEEP_OUTCOMES);
        names.addAll(Metrics.SWEEP_TOTALS);
        return names;
    }

    static Set<String> sweepNames() {
        Set<String> names = new HashSet<>(Metrics.SWEEP_OUTCOMES);
        names.addAll(Metrics.SWEEP_TOTALS);
        names.add(Metrics.DURATION);
        return names;
    }

    /** What the code emits: the name, and dimensions it sets with values it can take (no per-agent dimension: off by default). */
    static void assertEmitted(Named metric) {
        assertThat(emittedNames()).as("%s", metric).contains(metric.name());
        Set<String> keys = metric.dimensions().keySet();
        if (keys.contains(Metrics.SERVICE)) {
            assertThat(keys).as("%s", metric).containsExactly(Metrics.SERVICE);
            assertThat(metric.dimensions().get(Metrics.SERVICE)).isEqualTo(Metrics.SWEEP_SERVICE);
            assertThat(metric.name()).as("a sweep metric").isIn(sweepNames());
        } else {
            assertThat(keys).as("%s", metric).containsExactlyInAnyOrder(Metrics.OPERATION, Metrics.OUTCOME);
            assertThat(Metrics.OPERATIONS).as("%s", metric).contains(metric.dimensions().get(Metrics.OPERATION));
            assertThat(Metrics.OUTCOMES).as("%s", metric).contains(metric.dimensions().get(Metrics.OUTCOME));
        }
    }

    static List<Named> alarmMetrics(JsonNode alarm) {
        List<Named> metrics = new ArrayList<>();
        for (JsonNode query : alarm.at("/Properties/Metrics")) {
            JsonNode stat = query.path("MetricStat");
            if (stat.isMissingNode()) continue;
            Map<String, String> dimensions = new LinkedHashMap<>();
            for (JsonNode d : stat.at("/Metric/Dimensions")) {
                dimensions.put(d.get("Name").asText(), d.get("Value").isTextual() ? d.get("Value").asText() : d.get("Value").toString());
            }
            metrics.add(new Named(stat.at("/Metric/Namespace").asText(), stat.at("/Metric/MetricName").asText(), dimensions,
                    stat.path("Stat").asText()));
        }
        return metrics;
    }

    static JsonNode dashboard() throws Exception {
        return CloudFormationTemplate.JSON.readTree(template.at("/Resources/Dashboard/Properties/DashboardBody/Fn::Sub").asText());
    }

    /** The widget's metrics in the dashboard's array form: namespace, name, then dimension name and value pairs, then options. */
    static List<Named> widgetMetrics(JsonNode widget) {
        List<Named> metrics = new ArrayList<>();
        for (JsonNode row : widget.at("/properties/metrics")) {
            if (!row.get(0).isTextual()) continue;
            Map<String, String> dimensions = new LinkedHashMap<>();
            int i = 2;
            for (; i + 1 < row.size() && row.get(i).isTextual(); i += 2) dimensions.put(row.get(i).asText(), row.get(i + 1).asText());
            String stat = i < row.size() ? row.get(i).path("stat").asText(widget.at("/properties/stat").asText())
                    : widget.at("/properties/stat").asText();
            metrics.add(new Named(row.get(0).asText(), row.get(1).asText(), dimensions, stat));
        }
        return metrics;
    }

    @Test
    void everyAlarm_exists_saysWhatToLookAtFirst_andNotifiesTheTopicWhenOneIsGiven() {
        assertThat(template.at("/Parameters/AlarmTopicArn/Default").asText()).isEmpty();
        assertThat(template.at("/Conditions/UseAlarmTopic").isMissingNode()).isFalse();
        for (String name : ALARMS) {
            JsonNode alarm = template.at("/Resources/" + name);
            assertThat(alarm.path("Type").asText()).as(name).isEqualTo("AWS::CloudWatch::Alarm");
            assertThat(alarm.at("/Properties/AlarmDescription").asText()).as(name).contains("First");
            assertThat(alarm.at("/Properties/AlarmActions/Fn::If/0").asText()).as(name).isEqualTo("UseAlarmTopic");
            assertThat(alarm.at("/Properties/AlarmActions/Fn::If/1/0/Ref").asText()).as(name).isEqualTo("AlarmTopicArn");
            assertThat(alarmMetrics(alarm)).as(name).isNotEmpty();
        }
    }

    @Test
    void alarmsOnOurMetrics_nameWhatTheCodeEmits() {
        List<Named> ours = new ArrayList<>();
        for (String name : ALARMS) {
            alarmMetrics(template.at("/Resources/" + name)).stream().filter(m -> m.namespace().equals(Metrics.NAMESPACE)).forEach(ours::add);
        }
        ours.forEach(TemplateOperabilityTest::assertEmitted);
        assertThat(alarmMetrics(template.at("/Resources/DeployFailureRateAlarm"))).anyMatch(m -> m.name().equals(Metrics.COUNT)
                && "failed".equals(m.dimensions().get(Metrics.OUTCOME)) && Metrics.OUTCOMES.contains("failed"));
        assertThat(alarmMetrics(template.at("/Resources/SweepUnhealthyAlarm"))).singleElement()
                .satisfies(m -> assertThat(m.name()).isEqualTo(Metrics.SWEEP_OUTCOMES.get(1)));
    }

    @Test
    void dashboard_showsOutcomesPhasesQueueWorkerSweepApiAndColdStarts_fromTheCodesNames() throws Exception {
        JsonNode body = dashboard();
        List<Named> all = new ArrayList<>();
        body.get("widgets").forEach(w -> all.addAll(widgetMetrics(w)));
        List<Named> ours = all.stream().filter(m -> m.namespace().equals(Metrics.NAMESPACE)).toList();
        ours.forEach(TemplateOperabilityTest::assertEmitted);

        assertThat(ours).anyMatch(m -> m.name().equals(Metrics.COUNT) && "failed".equals(m.dimensions().get(Metrics.OUTCOME)));
        assertThat(ours).anyMatch(m -> m.name().equals(Metrics.COUNT) && "ready".equals(m.dimensions().get(Metrics.OUTCOME)));
        for (String phase : Metrics.DEPLOY_PHASES) {
            for (String stat : List.of("p50", "p95")) {
                assertThat(ours).as(phase + " " + stat)
                        .anyMatch(m -> m.name().equals(phase + Metrics.PHASE_DURATION_SUFFIX) && m.stat().equals(stat));
            }
        }
        for (String outcome : Metrics.SWEEP_OUTCOMES) assertThat(ours).as(outcome).anyMatch(m -> m.name().equals(outcome));
        assertThat(all).anyMatch(m -> m.name().equals("ApproximateAgeOfOldestMessage") && m.dimensions().get("QueueName").contains("DeployQueue"));
        assertThat(all).anyMatch(m -> m.name().equals("ApproximateNumberOfMessagesVisible") && m.dimensions().get("QueueName").contains("DeployQueue"));
        assertThat(all).anyMatch(m -> m.name().equals("ConcurrentExecutions") && m.dimensions().get("FunctionName").contains("DeployWorkerFunction"));
        String text = body.toString();
        assertThat(text).contains("MetricName=\\\"Latency\\\"", "MetricName=\\\"5xx\\\"", "Route}");
        assertThat(text).contains("platform.report", "initDurationMs", "restoreDurationMs");
    }

    @Test
    void dashboard_namesOnlyResourcesOfTheTemplate() throws Exception {
        Matcher refs = Pattern.compile("\\$\\{([A-Za-z0-9:]+)(\\.[A-Za-z]+)?}").matcher(dashboard().toString());
        int found = 0;
        while (refs.find()) {
            found++;
            String ref = refs.group(1);
            if (ref.startsWith("AWS::")) continue;
            assertThat(template.at("/Resources/" + ref).isMissingNode()).as(ref).isFalse();
        }
        assertThat(found).isPositive();
    }

    @Test
    void functions_logJson_atTheParametersLevels_andPublishPerAgentMetricsOnlyWhenAsked() {
        JsonNode logging = template.at("/Globals/Function/LoggingConfig");
        assertThat(logging.path("LogFormat").asText()).isEqualTo("JSON");
        assertThat(logging.at("/ApplicationLogLevel/Ref").asText()).isEqualTo("ApplicationLogLevel");
        assertThat(logging.at("/SystemLogLevel/Ref").asText()).isEqualTo("SystemLogLevel");
        assertThat(template.at("/Globals/Function/Environment/Variables/VM_METRICS_PER_AGENT/Ref").asText()).isEqualTo("MetricsPerAgent");
        assertThat(template.at("/Parameters/MetricsPerAgent/Default").asText()).isEqualTo("false");
        // The metric lines carry no level and Lambda files them as INFO: a stricter application level would drop them.
        assertThat(template.at("/Parameters/ApplicationLogLevel/AllowedValues").toString()).doesNotContain("WARN", "ERROR", "FATAL");
    }
}
