package dev.vmroutes.store;

import java.time.Instant;

/** The sweep's latest verdict on one deployment's container, and when it was reached. */
public record Probe(String deploymentId, String outcome, String containerState, Instant at) {
}
