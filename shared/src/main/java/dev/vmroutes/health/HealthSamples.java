package dev.vmroutes.health;

import java.time.Instant;
import java.util.List;

/** Health samples per agent, kept {@link HealthSample#RETENTION}. */
public interface HealthSamples {

    void record(List<HealthSample> samples);

    /** The agent's samples taken at or after {@code since}, oldest first. */
    List<HealthSample> since(String agentName, Instant since);
}
