package dev.vmroutes.store;

import java.time.Instant;
import java.util.Map;

/**
 * What the store knows of one deployment. Text fields are redacted before they get here;
 * environment values never get here.
 *
 * @param status       building, running, exited, created, failed, stopped, removed, replaced, lost...
 * @param failurePhase clone, build, start or ready when the deploy failed
 * @param settings     what the container was run with, so a rollback can run it again
 * @param rollbackOf   the deployment whose image this one ran again, for a rollback
 * @param readyAt      when the container passed the readiness gate: set only for deployments that worked
 * @param imageKept    whether the image is still on the engine (retention removes old ones)
 * @param replacedBy   the deployment that replaced this one's container
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
        long version) {

    public Deployment {
        ports = ports == null ? Map.of() : Map.copyOf(ports);
    }

    /**
     * How the container runs: its agent port, resources, volumes (short name: container path) and
     * the network it asked for (null: none shared).
     */
    public record RunSettings(int port, long memoryBytes, long nanoCpus, long pids, Map<String, String> volumes, String network) {
        public RunSettings {
            volumes = volumes == null ? Map.of() : Map.copyOf(volumes);
        }
    }

    public static Deployment building(String id, String agentName, String containerName, String repoUrl,
                                      String branch, Instant now) {
        return new Deployment(id, agentName, containerName, null, repoUrl, branch, null, null,
                "building", null, null, Map.of(), null, null, null, null, null, now, now, null, null, 0);
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
                    d.commitSha = target.commitSha;
                    d.image = target.image;
                    d.rollbackOf = target.id;
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
    public Deployment withProbe(Probe probe) {
        return edit(d -> {
            d.lastProbeOutcome = probe.outcome();
            d.lastProbeAt = probe.at();
        });
    }

    Deployment withVersion(long newVersion) {
        return edit(d -> d.version = newVersion);
    }

    private Deployment edit(java.util.function.Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.build();
    }

    /** A mutable copy, so each change above names only the fields it changes. */
    private static final class Fields {
        String id, agentName, containerName, containerId, repoUrl, branch, commitSha, image, status, failurePhase,
                failureReason, rollbackOf, replacedBy, lastProbeOutcome;
        Map<String, Integer> ports;
        RunSettings settings;
        Instant readyAt, createdAt, updatedAt, lastProbeAt;
        Boolean imageKept;
        long version;

        Fields(Deployment d) {
            id = d.id; agentName = d.agentName; containerName = d.containerName; containerId = d.containerId;
            repoUrl = d.repoUrl; branch = d.branch; commitSha = d.commitSha; image = d.image; status = d.status;
            failurePhase = d.failurePhase; failureReason = d.failureReason; ports = d.ports; settings = d.settings;
            rollbackOf = d.rollbackOf; readyAt = d.readyAt; imageKept = d.imageKept; replacedBy = d.replacedBy;
            createdAt = d.createdAt; updatedAt = d.updatedAt; lastProbeOutcome = d.lastProbeOutcome;
            lastProbeAt = d.lastProbeAt; version = d.version;
        }

        Deployment build() {
            return new Deployment(id, agentName, containerName, containerId, repoUrl, branch, commitSha, image, status,
                    failurePhase, failureReason, ports, settings, rollbackOf, readyAt, imageKept, replacedBy,
                    createdAt, updatedAt, lastProbeOutcome, lastProbeAt, version);
        }
    }
}
