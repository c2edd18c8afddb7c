package dev.vmroutes.deploy;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.EngineErrors;
import dev.vmroutes.docker.Images;
import dev.vmroutes.docker.PublishedPorts;
import dev.vmroutes.git.RepoCloner;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * A deploy's record: created as {@code building}, then what ran, or the phase it failed in and why
 * (redacted). A deploy under way has until its deadline ({@code deployDeadline} after it began, or
 * the one its worker claimed it with): past it, with its lock no longer held, the sweep ends it.
 */
record RecordDeployment(DeploymentRecords records, java.time.Duration deployDeadline, Clock clock, boolean onePerAgent) {

    RecordDeployment(DeploymentRecords records, java.time.Duration deployDeadline, Clock clock) {
        this(records, deployDeadline, clock, false);
    }

    private static final Logger LOG = LoggerFactory.getLogger(RecordDeployment.class);
    private static final java.util.Set<String> STOPPED = java.util.Set.of("stopped", "removed");

    /** The record a deploy will write once it goes ahead (a deploy found unchanged writes none). */
    Deployment pending(String id, String agent, String repoUrl, String branch, Deployment.RunSettings settings,
                       Collection<String> takenNames) {
        Instant now = clock.instant();
        return Deployment.building(id, agent, name(agent, now, takenNames), repoUrl, branch, settings, now);
    }

    Deployment pendingRollback(String id, Deployment target, Collection<String> takenNames) {
        Instant now = clock.instant();
        return Deployment.rollingBack(id, name(target.agentName(), now, takenNames), target, now);
    }

    /** The status a deploy's record shows while each of these phases is under way. */
    private static final java.util.Map<String, String> STATUS_OF_PHASE = java.util.Map.of(
            "clone", "cloning", "build", "building", "start", "starting", "ready", "waiting_ready");

    /** Stores the run's record: it is under way ({@code cloning}, or {@code starting} for a rollback). */
    void begin(DeployRun run) {
        run.lease().check();
        Instant deadline = run.claimed() != null ? run.claimed().deadlineAt() : clock.instant().plus(deployDeadline);
        Deployment record = run.record().withPhases(run.phaseTimes(null), null).until(deadline);
        run.recorded(run.claimed() == null ? records.create(record) : records.update(record.over(run.claimed())));
    }

    /** A claimed deployment that found the same image and settings running healthy: recorded as {@code unchanged}. */
    void unchanged(DeployRun run, String commit, String image) {
        if (run.claimed() != null) {
            run.recorded(records.update(run.claimed().unchanged(commit, image, clock.instant())
                    .withPhases(run.phaseTimes(clock.instant()), true)));
        }
    }

    /**
     * As a phase starts, the record says so (its status and phases), for whoever watches the
     * deployment. The write is conditional like every other: a stop that changed the record
     * meanwhile ends the deploy, as it would at its last write.
     */
    void progress(DeployRun run) {
        String status = STATUS_OF_PHASE.get(run.currentPhase());
        if (status == null) return;
        run.lease().check();
        run.recorded(records.update(run.record().progress(status, run.phaseTimes(null), clock.instant())));
    }

    /** A new deployment's id. */
    static String newId() {
        return UUID.randomUUID().toString();
    }

    /**
     * {@code jules-agent-<agent>-<epoch seconds>}; when the agent already has a container of that
     * second (a replace right after a deploy), the next free second.
     */
    /** On a Swarm every version of an agent is its one service, {@code jules-agent-<agent>}; else a container of its own. */
    private String name(String agent, Instant now, Collection<String> taken) {
        return onePerAgent ? dev.vmroutes.swarm.ServiceSpecs.serviceName(agent) : containerName(agent, now, taken);
    }

    static String containerName(String agent, Instant now, Collection<String> taken) {
        long second = now.getEpochSecond();
        while (taken.contains("jules-agent-" + agent + "-" + second)) second++;
        return "jules-agent-" + agent + "-" + second;
    }

    Deployment finish(DeployRun run, String commit, String image, boolean imageReused, AwaitReady.Readiness readiness) {
        var state = readiness.state();
        return finish(run, commit, image, imageReused, state.getId(), state.getState().getStatus(), PublishedPorts.of(state),
                readiness.ready());
    }

    /** Records what runs now: the container (or service), its status and ports, whether it passed the readiness gate. */
    Deployment finish(DeployRun run, String commit, String image, boolean imageReused, String containerId, String status,
                      java.util.Map<String, Integer> ports, boolean ready) {
        Instant now = clock.instant();
        run.lease().check();
        Deployment record = run.phase("record", () -> records.update(run.record().ran(containerId, commit, image, status,
                ports, ready ? now : null, now).withPhases(run.phaseTimes(clock.instant()), imageReused)));
        // What follows (the replace) may still fail: its failure is written over this version.
        run.recorded(record);
        LOG.info("deployed {} ({}) commit {} image {} status {} ready {}", record.containerName(), record.id(), commit, image,
                status, ready);
        return record;
    }

    /**
     * Whether a stop request found the deploy's container and recorded it stopped or removed: then
     * the stop wins. Empty also when the record cannot be read (the failure at hand is reported).
     */
    /** Whether a cancel asked this deployment to stop while it ran. */
    boolean cancelRequested(DeployRun run) {
        try {
            return records.get(run.record().id()).map(d -> "cancelling".equals(d.status())).orElse(false);
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /** Records the deployment cancelled, with its phases so far. */
    void cancelled(DeployRun run) {
        Instant now = clock.instant();
        records.change(run.record().id(), r -> "cancelling".equals(r.status())
                ? r.cancelled(now).withPhases(run.phaseTimes(now), r.imageReused()) : r);
    }

    Optional<String> endedByStop(DeployRun run) {
        if (!run.recorded()) return Optional.empty();
        try {
            return records.get(run.record().id()).map(Deployment::status).filter(STOPPED::contains);
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Records why the deploy failed and returns what to tell the caller: a failure in a phase is
     * {@link VmException.Kind#DEPLOY_FAILED} naming it; an unreachable engine or table stays what it is.
     */
    RuntimeException fail(DeployRun run, RuntimeException error) {
        String phase = run.failedPhase();
        String reason;
        RuntimeException answer;
        if (error instanceof VmException known) {
            reason = known.detail();
            answer = known;
        } else if (error instanceof ConflictException) {
            reason = "container name " + run.record().containerName() + " is taken";
            answer = VmException.conflict("container " + run.record().containerName() + " already exists; retry in a second");
        } else if (error instanceof RepoCloner.CloneFailedException || error instanceof Images.BuildFailedException) {
            reason = run.redactor().redact(error.getMessage());
            answer = VmException.deployFailed(phase, reason);
        } else if (error instanceof DockerException engineAnswer) {
            reason = run.redactor().redact(EngineErrors.message(engineAnswer));
            answer = VmException.deployFailed(phase, reason);
        } else {
            reason = run.redactor().describeError(error);
            answer = error instanceof java.io.UncheckedIOException ? VmException.deployFailed(phase, reason) : error;
        }
        Instant now = clock.instant();
        Deployment failed = run.record().failed(phase, reason, run.commit(), now).withPhases(run.phaseTimes(now), run.record().imageReused());
        if (run.recorded()) records.recordQuietly(failed);
        else if (run.claimed() != null) records.recordQuietly(failed.over(run.claimed()));
        else records.createQuietly(failed);
        LOG.warn("deploy {} failed in {}: {}", run.record().id(), phase, reason);
        return answer;
    }
}
