package dev.vmroutes.health;

import java.time.Instant;
import java.util.Objects;

/**
 * One health check of an agent's container, by the sweep or a health call.
 *
 * @param up         whether it answered: running, its HTTP probe 2xx, and not unhealthy by its HEALTHCHECK
 * @param statusCode the probe's HTTP status, null when there was no answer
 */
public record HealthSample(String agentName, String containerName, Instant at, boolean up, Integer statusCode) {

    /** How long samples are kept: the dashboard shows 7 days, and a day more covers the first of them whole. */
    public static final java.time.Duration RETENTION = java.time.Duration.ofDays(8);

    public HealthSample {
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(containerName, "containerName");
        Objects.requireNonNull(at, "at");
    }

    /** The sort key within an agent: its time (fixed-width, so keys sort by time) and then its container. */
    String key() {
        return SampleKeys.time(at) + "#" + containerName;
    }
}
