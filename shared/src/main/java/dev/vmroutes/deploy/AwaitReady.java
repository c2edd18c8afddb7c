package dev.vmroutes.deploy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.vmroutes.api.Deadline;
import dev.vmroutes.api.HealthRequest;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.PublishedPorts;
import dev.vmroutes.probe.HttpProbe;

import java.time.Duration;

/**
 * Waits until the agent is ready: its HEALTHCHECK's own test passes, tried from outside through
 * the published port ({@code /health} answers with a status below 500), or the engine already
 * reports it healthy. Gives up when the container stops, the engine reports it unhealthy, or the
 * ready timeout passes. The port is tried every 10 ms (a refused try costs well under a
 * millisecond); the engine is asked for the container's state only every 50 ms.
 */
record AwaitReady(AgentContainers containers, HttpProbe probe, Duration timeout) {

    private static final Duration PROBE_EVERY = Duration.ofMillis(10);
    private static final Duration INSPECT_EVERY = Duration.ofMillis(50);
    private static final Duration CANCEL_CHECK_EVERY = Duration.ofMillis(500);

    /** The container's state when the wait ended, whether it was ready, and if not, why. */
    record Readiness(InspectContainerResponse state, boolean ready, String reason) {
    }

    /** @param cancelled asked every half second: a cancel ends the wait within a second */
    Readiness await(String containerId, int port, java.util.function.BooleanSupplier cancelled) {
        Duration limit = Deadline.cap(timeout);
        long deadline = System.nanoTime() + limit.toNanos();
        InspectContainerResponse state = containers.inspect(containerId);
        long nextInspect = System.nanoTime() + INSPECT_EVERY.toNanos();
        long nextCancelCheck = System.nanoTime() + CANCEL_CHECK_EVERY.toNanos();
        while (Boolean.TRUE.equals(state.getState().getRunning()) && System.nanoTime() < deadline) {
            if (System.nanoTime() > nextCancelCheck) {
                if (cancelled.getAsBoolean()) throw new dev.vmroutes.docker.Images.BuildCancelledException();
                nextCancelCheck = System.nanoTime() + CANCEL_CHECK_EVERY.toNanos();
            }
            String health = state.getState().getHealth() == null ? null : state.getState().getHealth().getStatus();
            if ("healthy".equals(health)) return new Readiness(state, true, null);
            if ("unhealthy".equals(health)) return new Readiness(state, false, "its HEALTHCHECK reports it unhealthy");
            Integer hostPort = PublishedPorts.of(state).get(port + "/tcp");
            if (hostPort != null) {
                Integer status = probe.get(containers.publishAddress(), hostPort, HealthRequest.DEFAULT_PATH).statusCode();
                if (status != null && status < 500) return new Readiness(state, true, null);
            }
            sleep(PROBE_EVERY);
            if (hostPort == null || System.nanoTime() > nextInspect) {
                state = containers.inspect(containerId);
                nextInspect = System.nanoTime() + INSPECT_EVERY.toNanos();
            }
        }
        if (!Boolean.TRUE.equals(state.getState().getRunning())) {
            return new Readiness(state, false, "it stopped (" + state.getState().getStatus() + ", exit code "
                    + state.getState().getExitCodeLong() + ") before answering");
        }
        return new Readiness(state, false, HealthRequest.DEFAULT_PATH + " on port " + port
                + " did not answer below 500 within " + Math.max(1, limit.toSeconds()) + " s");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the agent");
        }
    }
}
