package dev.vmroutes.deploy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.PublishedPorts;
import dev.vmroutes.probe.HttpProbe;

import java.time.Duration;

/**
 * Waits until the agent answers HTTP on its published port, its container stops, or the ready
 * timeout passes. The port is tried every 10 ms (a refused try costs well under a millisecond);
 * the engine is asked for the container's state only every 50 ms.
 */
record AwaitReady(AgentContainers containers, HttpProbe probe, Duration timeout) {

    private static final Duration PROBE_EVERY = Duration.ofMillis(10);
    private static final Duration INSPECT_EVERY = Duration.ofMillis(50);

    /** @return the container's state when it answered, stopped, or the time ran out */
    InspectContainerResponse await(String containerId, int port) {
        long deadline = System.nanoTime() + timeout.toNanos();
        InspectContainerResponse state = containers.inspect(containerId);
        long nextInspect = System.nanoTime() + INSPECT_EVERY.toNanos();
        while (Boolean.TRUE.equals(state.getState().getRunning()) && System.nanoTime() < deadline) {
            Integer hostPort = PublishedPorts.of(state).get(port + "/tcp");
            if (hostPort != null && probe.get(containers.publishAddress(), hostPort, "/").statusCode() != null) return state;
            sleep(PROBE_EVERY);
            if (hostPort == null || System.nanoTime() > nextInspect) {
                state = containers.inspect(containerId);
                nextInspect = System.nanoTime() + INSPECT_EVERY.toNanos();
            }
        }
        return state;
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
