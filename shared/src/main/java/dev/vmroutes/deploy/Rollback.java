package dev.vmroutes.deploy;

import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.ContainerLimits;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.RollbackRequest;
import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.ContainerSpec;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.RequestedBy;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs an earlier deployment's image again, with that deployment's recorded port and resources,
 * through the same readiness gate and replace as a deploy. It needs no Git: only the kept image.
 * Environment values are never stored, so the container takes the environment of the one it
 * replaces unless the request gives one.
 *
 * @param ceiling the most a container may get now; a rollback never runs with more
 */
public record Rollback(Stages stages, ContainerLimits ceiling) {

    public Results.Deployed rollback(RollbackRequest request) {
        return rollback(request, (RequestedBy) null);
    }

    /** As {@link #rollback(RollbackRequest)}, recording who asked. */
    public Results.Deployed rollback(RollbackRequest request, RequestedBy by) {
        return stages.underLock(request.agentName(), lease -> rollback(request, by, lease));
    }

    /** How far back in an agent's history a rollback looks for a deployment to return to. */
    static final int HISTORY_LOOKED_AT = 200;

    private Results.Deployed rollback(RollbackRequest request, RequestedBy by, DeployLock.Lease lease) {
        String id = lease.deploymentId();
        String agent = request.agentName();
        List<Container> existing = stages.containers().ofAgent(agent);
        Deployment target = target(request, existing);
        ReleaseService onSwarm = stages.serviceRelease();
        // On a Swarm the image is the registry's, by digest: nothing on the builder says whether it is kept.
        if (Boolean.FALSE.equals(target.imageKept()) || (onSwarm == null && !stages.images().exists(target.image()))) {
            throw VmException.conflict("the image of deployment " + target.id() + " is no longer kept; deploy its commit "
                    + target.commitSha() + " again instead");
        }
        if (target.settings() == null) {
            throw VmException.conflict("deployment " + target.id() + " has no recorded settings to run it again with");
        }
        Map<String, String> environment = request.environment() != null ? request.environment()
                : onSwarm != null ? onSwarm.environment(agent) : environmentOf(existing);
        DeployRun run = stages.start("rollback", stages.record().pendingRollback(id, target,
                existing.stream().map(AgentContainers::name).toList()).requestedBy(by), Redactor.of(List.of()), lease);
        run.commit(target.commitSha());
        try {
            stages.record().begin(run);
            if (onSwarm != null) {
                Deployment.RunSettings settings = capped(target.settings());
                return stages.finished(run, onSwarm.release(run, Stages.containerSpec(run, target.image(), settings, environment), settings,
                        target.commitSha(), target.image(), true));
            }
            List<Container> running = stages.release().running(stages.containers().ofAgent(agent));
            return stages.finished(run, stages.release().release(run, containerSpec(run, target, environment),
                    target.commitSha(), true, request.replace() ? running : List.of()));
        } catch (RuntimeException e) {
            throw stages.failed(run, e);
        }
    }

    /** The named deployment, or the newest that worked before the current one and ran another image. */
    private Deployment target(RollbackRequest request, List<Container> existing) {
        String agent = request.agentName();
        if (request.deploymentId() != null) {
            return stages.records().get(request.deploymentId())
                    .filter(d -> agent.equals(d.agentName()) && d.succeeded())
                    .orElseThrow(() -> VmException.notFound("agent " + agent + " has no successful deployment "
                            + request.deploymentId() + " to roll back to"));
        }
        List<Deployment> history = stages.records().ofAgent(agent, HISTORY_LOOKED_AT);
        Optional<Deployment> current = newestRunning(existing)
                .map(c -> c.getLabels().get(Labels.DEPLOYMENT))
                .flatMap(id -> stages.records().get(id))
                .or(() -> history.stream().filter(Deployment::succeeded).findFirst());
        return history.stream()
                .filter(Deployment::succeeded)
                .filter(d -> current.isEmpty() || (d.createdAt().isBefore(current.get().createdAt())
                        && !d.image().equals(current.get().image())))
                .findFirst()
                .orElseThrow(() -> VmException.notFound("agent " + agent + " has no earlier successful deployment to roll back to"));
    }

    private Map<String, String> environmentOf(List<Container> existing) {
        return newestRunning(existing)
                .map(c -> stages.containers().givenEnvironment(stages.containers().inspect(c.getId())))
                .orElse(Map.of());
    }

    private static Optional<Container> newestRunning(List<Container> existing) {
        return existing.stream().filter(c -> "running".equals(c.getState()))
                .max(Comparator.comparing(c -> c.getCreated() == null ? 0L : c.getCreated()));
    }

    private ContainerSpec containerSpec(DeployRun run, Deployment target, Map<String, String> environment) {
        return Stages.containerSpec(run, target.image(), capped(target.settings()), environment);
    }

    private Deployment.RunSettings capped(Deployment.RunSettings s) {
        return new Deployment.RunSettings(s.port(), Math.min(s.memoryBytes(), ceiling.memoryBytes()),
                Math.min(s.nanoCpus(), ceiling.nanoCpus()), Math.min(s.pids(), ceiling.pids()), s.volumes(), s.network(),
                s.replicas(), s.volumeNode());
    }
}
