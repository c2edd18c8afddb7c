package dev.vmroutes.agents;

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

    public static String sweepLine(Results.SweepSummary summary, Instant at) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
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
        metrics.addObject().put("Name", "duration").put("Unit", "Milliseconds");
        root.put("duration", summary.durationMs());
        return root.toString();
    }
}
