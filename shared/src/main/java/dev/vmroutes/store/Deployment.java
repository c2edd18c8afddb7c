package dev.vmroutes.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the store knows of one deployment. Text fields are redacted before they get here;
 * environment values never get here.
 *
 * @param status       while it runs: cloning, building, starting, waiting_ready; then running, exited, created,
 *                     failed; later stopped, removed, replaced, lost...
 * @param failurePhase clone, build, start or ready when the deploy failed
 * @param settings     what the container was run with, so a rollback can run it again
 * @param rollbackOf   the deployment whose image this one ran again, for a rollback
 * @param readyAt      when the container passed the readiness gate: set only for deployments that worked
 * @param imageKept    whether the image is still on the engine (retention removes old ones)
 * @param replacedBy   the deployment that replaced this one's container
 * @param phases       the phases so far, each with its start and (once over) its end
 * @param imageReused  whether the image existed already (nothing was built)
 * @param answerKind   once the deploy has answered: {@code ok}, or the kind of failure it answered with
 * @param answerBody   what it answered: the deploy's JSON result, or the failure's detail (redacted)
 * @param deadlineAt   while under way: when it must have ended; past it, with its lock no longer held, it was abandoned
 * @param request      while queued: the deploy request as JSON, without what is never stored (inline credentials,
 *                     environment values), which travels in the queue's message
 * @param requestedBy  who asked for it
 * @param version      bumped on every write; updates are conditional on the version read
 */
public record Deployment(
        String id,
        String agentName,
        String containerName,
        String containerId,
        String repoUrl,
        String branch,
        String commitSha,
        String image,
        String status,
        String failurePhase,
        String failureReason,
        Map<String, Integer> ports,
        RunSettings settings,
        String rollbackOf,
        Instant readyAt,
        Boolean imageKept,
        String replacedBy,
        Instant createdAt,
        Instant updatedAt,
        String lastProbeOutcome,
        Instant lastProbeAt,
        List<PhaseTime> phases,
        Boolean imageReused,
        String answerKind,
        String answerBody,
        Instant deadlineAt,
        String request,
        RequestedBy requestedBy,
        long version) {

    /** The statuses of a deployment still under way. */
    public static final Set<String> IN_PROGRESS = Set.of("queued", "cloning", "building", "starting", "waiting_ready", "cancelling");
    /** The statuses of a deployment that no longer has a container of its own (or never had one). */
    public static final Set<String> WITHOUT_CONTAINER = Set.of("queued", "removed", "replaced", "failed", "lost", "cancelled", "unchanged");

    /** Whether the deployment is under way. */
    public boolean inProgress() {
        return IN_PROGRESS.contains(status);
    }

    /** Whether the deployment has (or is about to have) a container of its own: the ones list and the sweep read. */
    public boolean live() {
        return containerName != null && !WITHOUT_CONTAINER.contains(status);
    }

    public Deployment {
        ports = ports == null ? Map.of() : Map.copyOf(ports);
        phases = phases == null ? List.of() : List.copyOf(phases);
        failureReason = FailureDetails.capped(failureReason);
        if (answerKind != null && !"ok".equals(answerKind)) answerBody = FailureDetails.capped(answerBody);
        if (status == null || !IN_PROGRESS.contains(status)) {
            deadlineAt = null;
            request = null;
        }
    }

    /** One phase of the deploy: its name, when it started and, once over, when it ended. */
    public record PhaseTime(String phase, Instant startedAt, Instant endedAt) {
    }

    /** How the agent runs: port, resources, volumes (short name: container path), network (null: none); on a Swarm,
     *  how many tasks, and the node its volumes live on (null: none). */
    public record RunSettings(int port, long memoryBytes, long nanoCpus, long pids, Map<String, String> volumes, String network,
                              int replicas, String volumeNode) {
        public RunSettings {
            volumes = volumes == null ? Map.of() : Map.copyOf(volumes);
            replicas = Math.max(1, replicas);
        }
        public RunSettings(int port, long memoryBytes, long nanoCpus, long pids, Map<String, String> volumes, String network) {
            this(port, memoryBytes, nanoCpus, pids, volumes, network, 1, null);
        }
        public RunSettings onNode(String node) {
            return new RunSettings(port, memoryBytes, nanoCpus, pids, volumes, network, replicas, node);
        }
    }

    public static Deployment building(String id, String agentName, String containerName, String repoUrl,
                                      String branch, Instant now) {
        return new Deployment(id, agentName, containerName, null, repoUrl, branch, null, null,
                "cloning", null, null, Map.of(), null, null, null, null, null, now, now, null, null, List.of(), null, null, null, null, null, null, 0);
    }

    /** A new record for a deploy: its source and the settings it runs with. */
    public static Deployment building(String id, String agentName, String containerName, String repoUrl,
                                      String branch, RunSettings settings, Instant now) {
        return building(id, agentName, containerName, repoUrl, branch, now).edit(d -> d.settings = settings);
    }

    /** A new record for a rollback: the source, commit, image and settings of the deployment it runs again. */
    public static Deployment rollingBack(String id, String containerName, Deployment target, Instant now) {
        return building(id, target.agentName, containerName, target.repoUrl, target.branch, target.settings, now)
                .edit(d -> {
                    d.status = "starting";
                    d.commitSha = target.commitSha;
                    d.image = target.image;
                    d.imageReused = true;
                    d.rollbackOf = target.id;
                });
    }

    /**
     * A deploy accepted and waiting for a worker until {@code deadline}: its agent, source and
     * request (without what is never stored) are all that is known yet.
     */
    public static Deployment queued(String id, String agentName, String repoUrl, String branch, String request, Instant deadline,
                                    Instant now) {
        return building(id, agentName, null, repoUrl, branch, now).edit(d -> {
            d.status = "queued";
            d.request = request;
            d.deadlineAt = deadline;
        });
    }

    /** Taken by a worker, which has until {@code deadline}: from here on the deploy runs; a second worker, finding it taken, leaves it. */
    public Deployment claimed(Instant deadline, Instant now) {
        return withStatus("cloning", now).edit(d -> {
            d.request = null;
            d.deadlineAt = deadline;
        });
    }

    /** Under way until {@code deadline} at the latest. */
    public Deployment until(Instant deadline) {
        return edit(d -> d.deadlineAt = deadline);
    }

    /** This new state of a deployment, to be written over the one stored as {@code stored} (its version, creation time and requester). */
    public Deployment over(Deployment stored) {
        return edit(d -> {
            d.version = stored.version;
            d.createdAt = stored.createdAt;
            d.requestedBy = stored.requestedBy;
        });
    }

    /** Asked to stop while under way: the worker stops at its next step and records it cancelled. */
    public Deployment cancelling(Instant now) {
        return withStatus("cancelling", now);
    }

    public Deployment cancelled(Instant now) {
        return edit(d -> {
            d.status = "cancelled";
            d.containerId = null;
            d.ports = Map.of();
            d.updatedAt = now;
        });
    }

    /** The same image and settings already ran healthy: nothing was made. */
    public Deployment unchanged(String newCommit, String newImage, Instant now) {
        return edit(d -> {
            d.status = "unchanged";
            d.commitSha = newCommit;
            d.image = newImage;
            d.imageReused = true;
            d.updatedAt = now;
        });
    }

    /** What the deploy answered, kept for whoever waits on the record (the deploy route, a client polling). */
    public Deployment answered(String kind, String body, Instant now) {
        return edit(d -> {
            d.answerKind = kind;
            d.answerBody = body;
            d.updatedAt = now;
        });
    }

    /** Under way: the status of the phase it is in, and its phases so far. */
    public Deployment progress(String newStatus, List<PhaseTime> newPhases, Instant now) {
        return edit(d -> {
            d.status = newStatus;
            d.phases = newPhases;
            d.updatedAt = now;
        });
    }

    public Deployment withPhases(List<PhaseTime> newPhases, Boolean reused) {
        return edit(d -> {
            d.phases = newPhases;
            d.imageReused = reused;
        });
    }

    public Deployment withStatus(String newStatus, Instant now) {
        return edit(d -> {
            d.status = newStatus;
            d.updatedAt = now;
        });
    }

    public Deployment running(String newContainerId, String newCommit, String newImage, String newStatus,
                              Map<String, Integer> newPorts, Instant now) {
        return edit(d -> {
            d.containerId = newContainerId;
            d.commitSha = newCommit;
            d.image = newImage;
            d.status = newStatus;
            d.failurePhase = null;
            d.failureReason = null;
            d.ports = newPorts;
            d.updatedAt = now;
        });
    }

    /** What ran, having passed the readiness gate at {@code readyAt} (null when it did not). */
    public Deployment ran(String newContainerId, String newCommit, String newImage, String newStatus,
                          Map<String, Integer> newPorts, Instant newReadyAt, Instant now) {
        return running(newContainerId, newCommit, newImage, newStatus, newPorts, now).edit(d -> {
            d.readyAt = newReadyAt;
            d.imageKept = true;
        });
    }

    public Deployment failed(String phase, String reason, String newCommit, Instant now) {
        return edit(d -> {
            d.containerId = null;
            d.commitSha = newCommit;
            d.status = "failed";
            d.failurePhase = phase;
            d.failureReason = reason;
            d.ports = Map.of();
            d.updatedAt = now;
        });
    }

    public Deployment replaced(String byDeploymentId, Instant now) {
        return edit(d -> {
            d.status = "replaced";
            d.replacedBy = byDeploymentId;
            d.updatedAt = now;
        });
    }

    public Deployment imageRemoved(Instant now) {
        return edit(d -> {
            d.imageKept = false;
            d.updatedAt = now;
        });
    }

    /** Whether this deployment's container passed the readiness gate: the ones a rollback may return to. */
    public boolean succeeded() {
        return readyAt != null && image != null;
    }

    /** This record as read with its latest probe (kept apart from the record, see {@link DeploymentStore#recordProbes}). */
    public Deployment requestedBy(RequestedBy by) {
        return edit(d -> d.requestedBy = by);
    }

    public Deployment withProbe(Probe probe) {
        return edit(d -> {
            d.lastProbeOutcome = probe.outcome();
            d.lastProbeAt = probe.at();
        });
    }

    Deployment withVersion(long newVersion) {
        return edit(d -> d.version = newVersion);
    }

    private Deployment edit(java.util.function.Consumer<DeploymentFields> change) {
        DeploymentFields f = new DeploymentFields(this);
        change.accept(f);
        return f.build();
    }
}
