package dev.vmroutes.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.docker.Images;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Waits for a service's new tasks: the update status Swarm reports, never the update call's
 * success (an update Swarm rolled back was accepted all the same), and the tasks of the new image
 * running, each gated by the image's HEALTHCHECK.
 */
public record Rollout(AgentServices services) {

    private static final Duration POLL_EVERY = Duration.ofMillis(500);
    private static final Set<String> ROLLED_BACK = Set.of("rollback_started", "rollback_completed", "rollback_paused", "paused");
    private static final Set<String> FAILED_TASK = Set.of("failed", "rejected");

    /**
     * How it ended.
     *
     * @param rolledBack Swarm undid the update: the previous version serves
     * @param reason     why it is not ready, with the failing task's error
     */
    public record Outcome(boolean ready, boolean rolledBack, String reason, JsonNode service, List<JsonNode> tasks) {
    }

    /**
     * @param before the service's update status before this update (an unchanged one is the last update's, not ours); null for a new service
     */
    public Outcome await(String serviceId, String image, int replicas, JsonNode before, Duration limit, BooleanSupplier cancelled) {
        long deadline = System.nanoTime() + limit.toNanos();
        String lastError = null;
        while (true) {
            if (cancelled.getAsBoolean()) throw new Images.BuildCancelledException();
            JsonNode service = services.engine().get("/services/" + serviceId);
            List<JsonNode> tasks = services.tasksOf(serviceId);
            JsonNode status = service.path("UpdateStatus");
            boolean ours = before != null && !status.isMissingNode() && !Objects.equals(status.path("StartedAt"), before.path("StartedAt"));
            String state = ours ? status.path("State").asText() : null;
            for (JsonNode t : tasks) {
                if (image.equals(t.path("Spec").path("ContainerSpec").path("Image").asText())
                        && FAILED_TASK.contains(t.path("Status").path("State").asText()) && !t.path("Status").path("Err").asText().isEmpty()) {
                    lastError = t.path("Status").path("Err").asText();
                }
            }
            if (state != null && ROLLED_BACK.contains(state)) {
                if ("rollback_started".equals(state) && System.nanoTime() < deadline) {
                    sleep();
                    continue;
                }
                return new Outcome(false, true, "Swarm rolled the update back: " + status.path("Message").asText(state)
                        + (lastError == null ? "" : " (a new task: " + lastError + ")"), service, tasks);
            }
            long runningNew = tasks.stream().filter(SwarmViews::running)
                    .filter(t -> image.equals(t.path("Spec").path("ContainerSpec").path("Image").asText())).count();
            if (runningNew >= replicas && (state == null || "completed".equals(state))) return new Outcome(true, false, null, service, tasks);
            if (System.nanoTime() >= deadline) {
                return new Outcome(false, false, runningNew + " of " + replicas + " tasks running and healthy within "
                        + limit.toSeconds() + " s" + (lastError == null ? "" : "; a task failed: " + lastError), service, tasks);
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_EVERY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the service");
        }
    }
}
