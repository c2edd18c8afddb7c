package dev.vmroutes.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vmroutes.api.Results;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.model.Unit;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * CloudWatch Embedded Metric Format lines (through the AWS embedded-metrics library), handed to a
 * sink: standard output on Lambda, where CloudWatch turns them into metrics.
 *
 * @param perAgent also by operation and agent: a set of custom metrics for every agent, each of which costs
 */
public record Metrics(Consumer<String> sink, boolean perAgent) {

    public static final String NAMESPACE = "VmRoutes";
    public static final String OPERATION = "Operation";
    public static final String OUTCOME = "Outcome";
    public static final String AGENT = "Agent";
    public static final String SERVICE = "Service";
    public static final String SWEEP_SERVICE = "health-sweep";
    public static final String COUNT = "count";
    public static final String DURATION = "duration";
    public static final String PHASE_DURATION_SUFFIX = "_duration";
    public static final List<String> OPERATIONS = List.of("deploy", "replace", "rollback", "stop");
    /** What an operation's line says of its end: a deploy's, replace's or rollback's, a stop's (stopped, removed). */
    public static final List<String> OUTCOMES = List.of("ready", "not_ready", "unchanged", "failed", "cancelled", "stopped", "removed");
    /** The phases of a deploy that runs a new container, in order (each has its {@code <phase>_duration}). */
    public static final List<String> DEPLOY_PHASES = List.of("clone", "build", "start", "ready");
    public static final List<String> SWEEP_OUTCOMES = List.of("healthy", "unhealthy", "starting", "not_running", "error");
    public static final List<String> SWEEP_TOTALS = List.of("checked", "lost", "unrecorded", "abandoned");

    /**
     * One line per deploy, replace, rollback or stop: {@code count} (1), {@code duration} and
     * {@code <phase>_duration} for each phase it went through, by operation and outcome (and by
     * operation and agent when {@link #perAgent}; the agent is a property of the line either way).
     */
    public void operation(String operation, String agent, String outcome, List<Results.Phase> phases, long durationMs, Instant at) {
        emit(at, logger -> {
            DimensionSet byOutcome = DimensionSet.of(OPERATION, operation, OUTCOME, outcome);
            if (perAgent && agent != null && !agent.isEmpty()) {
                logger.setDimensions(byOutcome, DimensionSet.of(OPERATION, operation, AGENT, agent));
            } else {
                logger.setDimensions(byOutcome);
                if (agent != null) logger.putProperty(AGENT, agent);
            }
            logger.putMetric(COUNT, 1, Unit.COUNT);
            logger.putMetric(DURATION, durationMs, Unit.MILLISECONDS);
            List<String> seen = new ArrayList<>();
            for (Results.Phase phase : phases) {
                String name = phase.phase() + PHASE_DURATION_SUFFIX;
                if (seen.contains(name)) continue;
                seen.add(name);
                logger.putMetric(name, phase.durationMs(), Unit.MILLISECONDS);
            }
        });
    }

    public void sweep(Results.SweepSummary summary, Instant at) {
        emit(at, logger -> {
            logger.setDimensions(DimensionSet.of(SERVICE, SWEEP_SERVICE));
            for (String outcome : SWEEP_OUTCOMES) logger.putMetric(outcome, summary.outcomes().getOrDefault(outcome, 0), Unit.COUNT);
            logger.putMetric("checked", summary.checked(), Unit.COUNT);
            logger.putMetric("lost", summary.lost(), Unit.COUNT);
            logger.putMetric("unrecorded", summary.unrecorded(), Unit.COUNT);
            logger.putMetric("abandoned", summary.abandoned(), Unit.COUNT);
            logger.putMetric(DURATION, summary.durationMs(), Unit.MILLISECONDS);
        });
    }

    private interface Fill {
        void fill(MetricsLogger logger) throws Exception;
    }

    private void emit(Instant at, Fill fill) {
        MetricsLogger logger = new MetricsLogger(new ToSink(sink));
        try {
            logger.setNamespace(NAMESPACE);
            logger.setTimestamp(at);
            fill.fill(logger);
        } catch (Exception e) {
            throw new IllegalStateException("metrics: " + e.getMessage(), e);
        }
        logger.flush();
    }

    /** The library's environment reduced to its sink: no default dimensions, nothing probed. */
    private record ToSink(Consumer<String> lines) implements Environment, ISink {
        @Override public boolean probe() { return true; }
        @Override public String getName() { return NAMESPACE; }
        @Override public String getType() { return "Lambda"; }
        @Override public String getLogGroupName() { return null; }
        @Override public void configureContext(MetricsContext context) { }
        @Override public ISink getSink() { return this; }
        @Override public CompletableFuture<Void> shutdown() { return CompletableFuture.completedFuture(null); }

        @Override
        public void accept(MetricsContext context) {
            try {
                context.serialize().forEach(lines);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
