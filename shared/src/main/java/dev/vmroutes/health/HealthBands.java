package dev.vmroutes.health;

import dev.vmroutes.api.Results;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Merges an agent's samples, oldest first, into up and down bands. */
public final class HealthBands {

    /**
     * The longest a check's outcome is taken to hold until the next: the sweep runs every 5 minutes
     * by default, so a longer silence (the sweep off, the agent removed) is a gap, not a band.
     */
    public static final Duration MAX_GAP = Duration.ofMinutes(30);

    private HealthBands() {
    }

    public static List<Results.HealthBand> merge(List<HealthSample> samples) {
        List<Results.HealthBand> bands = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < samples.size(); i++) {
            HealthSample sample = samples.get(i);
            HealthSample next = i + 1 < samples.size() ? samples.get(i + 1) : null;
            boolean joined = next != null && !next.at().isAfter(sample.at().plus(MAX_GAP));
            if (joined && next.up() == sample.up()) continue;
            Instant to = joined ? next.at() : sample.at();
            bands.add(new Results.HealthBand(sample.up() ? "up" : "down", samples.get(start).at(), to, i + 1 - start,
                    sample.statusCode()));
            start = i + 1;
        }
        return bands;
    }
}
