package dev.vmroutes.agents;

import dev.vmroutes.api.Results;
import dev.vmroutes.health.HealthBands;
import dev.vmroutes.health.HealthSample;
import dev.vmroutes.health.HealthSamples;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** An agent's health over the last days, as up and down bands merged from the samples the sweep and health calls kept. */
public record ReadHealthHistory(HealthSamples samples, Clock clock) {

    public Results.HealthHistory history(String agentName, int days) {
        Instant to = clock.instant();
        Instant from = to.minus(Duration.ofDays(days));
        List<HealthSample> kept = samples.since(agentName, from);
        return new Results.HealthHistory(agentName, from, to, kept.size(), HealthBands.merge(kept));
    }
}
