package dev.vmroutes.deploy;

import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.store.DeploymentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Ends the deployments nobody runs any more, so every record reaches an end and no lock outlives
 * its owner unseen: a job the queue gave up on, one that waited past its time, one whose worker
 * stopped renewing its lease (it died or timed out), one past its deadline. Each ends
 * {@code failed} (or {@code cancelled}, if a cancel asked for it) with what is known; what it made
 * is removed and its agent freed.
 */
public final class AbandonedDeploys {

    private static final Logger LOG = LoggerFactory.getLogger(AbandonedDeploys.class);
    private static final Map<String, String> PHASE_OF_STATUS = Map.of("queued", "queue", "cloning", "clone", "building", "build",
            "starting", "start", "waiting_ready", "ready", "cancelling", "cancel");

    private final DeploymentRecords records;
    private final DeployLock lock;
    private final AgentContainers containers;
    private final Clock clock;

    AbandonedDeploys(DeploymentRecords records, DeployLock lock, AgentContainers containers, Clock clock) {
        this.records = records;
        this.lock = lock;
        this.containers = containers;
        this.clock = clock;
    }

    /** The phase a record under way is in: the one its status names, else the last it began. */
    static String phaseOf(Deployment d) {
        String phase = PHASE_OF_STATUS.get(d.status());
        if (phase != null && !"cancel".equals(phase)) return phase;
        return d.phases().isEmpty() ? "queue" : d.phases().get(d.phases().size() - 1).phase();
    }

    /**
     * A job the queue gave up on after {@code receives} deliveries: its deployment, if still under
     * way, ends {@code failed} with that reason, what it made is removed and the agent freed.
     */
    public void deadLettered(String deploymentId, int receives) {
        records.get(deploymentId).filter(Deployment::inProgress).ifPresent(d -> end(d,
                "its deploy job failed " + receives + " times and was moved to the dead-letter queue"));
    }

    /**
     * Ends the deployments under way that nobody runs any more: queued past their time, or whose
     * worker stopped renewing its lease (it died or timed out), or past their deadline. Returns how many.
     */
    public int endAbandoned() {
        int ended = 0;
        Instant now = clock.instant();
        for (Deployment d : records.inProgress()) {
            Optional<DeploymentStore.Lock> held = records.readLock(d.agentName());
            boolean leased = held.isPresent() && held.get().holder().equals(d.id()) && held.get().expiresAt().isAfter(now);
            boolean late = d.deadlineAt() != null && d.deadlineAt().isBefore(now);
            if (leased && !late) continue;
            String reason = late ? "it did not finish by its deadline (" + d.deadlineAt() + ")"
                    : "queued".equals(d.status()) ? "no worker took it while it held the agent (the queue may have kept it past its time)"
                    : "its worker stopped while it was " + d.status() + " (the lease on agent " + d.agentName()
                    + "'s lock ran out" + held.map(l -> " at " + l.expiresAt()).orElse("") + ")";
            end(d, reason);
            ended++;
        }
        return ended;
    }

    private void end(Deployment d, String reason) {
        LOG.warn("deployment {} of agent {} ended: {}", d.id(), d.agentName(), reason);
        Instant now = clock.instant();
        records.change(d.id(), r -> !r.inProgress() ? r : "cancelling".equals(r.status())
                ? r.cancelled(now).answered(VmException.Kind.CONFLICT.name(), "deployment " + r.id() + " was cancelled", now)
                : r.failed(phaseOf(r), reason, r.commitSha(), now).answered(VmException.Kind.DEPLOY_FAILED.name(),
                        "deployment_failed: " + phaseOf(r) + ": " + reason, now));
        if (d.containerName() != null && containers.exists(d.containerName())) containers.removeQuietly(d.containerName());
        lock.release(d.agentName(), d.id());
    }
}
