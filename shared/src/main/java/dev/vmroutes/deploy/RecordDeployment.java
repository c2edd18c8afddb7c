package dev.vmroutes.deploy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.Results;
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
import java.util.Map;
import java.util.UUID;

/** A deploy's record: created as {@code building}, then what ran, or the phase it failed in and why (redacted). */
record RecordDeployment(DeploymentRecords records, Clock clock) {

    private static final Logger LOG = LoggerFactory.getLogger(RecordDeployment.class);

    Deployment begin(DeployRequest request) {
        Instant now = clock.instant();
        String containerName = "jules-agent-" + request.agentName() + "-" + now.getEpochSecond();
        return records.create(Deployment.building(UUID.randomUUID().toString(), request.agentName(), containerName,
                request.repoUrl().url(), request.branch(), now));
    }

    Results.Deployed finish(DeployRun run, ProduceImage.AgentImage image, InspectContainerResponse state) {
        Map<String, Integer> ports = PublishedPorts.of(state);
        String status = state.getState().getStatus();
        Deployment record = run.record();
        run.phase("record", () -> records.update(record.running(state.getId(), image.commit(), image.tag(), status, ports, clock.instant())));
        LOG.info("deployed {} ({}) commit {} image {} status {}", record.containerName(), record.id(), image.commit(), image.tag(), status);
        Long exitCode = "running".equals(status) ? null : state.getState().getExitCodeLong();
        return new Results.Deployed(state.getId(), record.containerName(), status, ports, record.id(), image.commit(),
                image.tag(), image.reused(), exitCode, run.phases());
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
        records.recordQuietly(run.record().failed(phase, reason, run.commit(), clock.instant()));
        LOG.warn("deploy {} failed in {}: {}", run.record().id(), phase, reason);
        return answer;
    }
}
