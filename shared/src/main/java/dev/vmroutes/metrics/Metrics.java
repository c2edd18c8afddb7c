package dev.vmroutes.metrics;

import dev.vmroutes.api.Results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/** CloudWatch Embedded Metric Format lines: JSON on stdout that CloudWatch turns into metrics. */
public final class Metrics {

    public static final String NAMESPACE = "VmRoutes";
    public static final List<String> SWEEP_OUTCOMES = List.of("healthy", "unhealthy", "starting", "not_running", "error");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Metrics() {
    }

    /**
     * One line per deploy, replace, rollback or stop: {@code count} (1), {@code duration} and
     * {@code <phase>_duration} for each phase it went through, by operation and outcome, and by
     * operation and agent.
     */
    public static String operationLine(String operation, String agent, String outcome, List<Results.Phase> phases,
                                       long durationMs, Instant at) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode directive = directive(root, at);
        ArrayNode dimensions = directive.putArray("Dimensions");
        dimensions.addArray().add("Operation").add("Outcome");
        dimensions.addArray().add("Operation").add("Agent");
        root.put("Operation", operation);
        root.put("Agent", agent);
        root.put("Outcome", outcome);
        ArrayNode metrics = directive.putArray("Metrics");
        metrics.addObject().put("Name", "count").put("Unit", "Count");
        root.put("count", 1);
        metrics.addObject().put("Name", "duration").put("Unit", "Milliseconds");
        root.put("duration", durationMs);
        for (Results.Phase phase : phases) {
            String name = phase.phase() + "_duration";
            if (root.has(name)) continue;
            metrics.addObject().put("Name", name).put("Unit", "Milliseconds");
            root.put(name, phase.durationMs());
        }
        return root.toString();
    }

    public static String sweepLine(Results.SweepSummary summary, Instant at) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode directive = directive(root, at);
        directive.putArray("Dimensions").addArray().add("Service");
        ArrayNode metrics = directive.putArray("Metrics");
        root.put("Service", "health-sweep");
        for (String outcome : SWEEP_OUTCOMES) {
            metrics.addObject().put("Name", outcome).put("Unit", "Count");
            root.put(outcome, summary.outcomes().getOrDefault(outcome, 0));
        }
        metrics.addObject().put("Name", "checked").put("Unit", "Count");
        root.put("checked", summary.checked());
        metrics.addObject().put("Name", "lost").put("Unit", "Count");
        root.put("lost", summary.lost());
        metrics.addObject().put("Name", "unrecorded").put("Unit", "Count");
        root.put("unrecorded", summary.unrecorded());
        metrics.addObject().put("Name", "abandoned").put("Unit", "Count");
        root.put("abandoned", summary.abandoned());
        metrics.addObject().put("Name", "duration").put("Unit", "Milliseconds");
        root.put("duration", summary.durationMs());
        return root.toString();
    }

    private static ObjectNode directive(ObjectNode root, Instant at) {
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        return directive;
    }
}
