package dev.vmroutes.deploy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.LogContext;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.docker.PublishedPorts;
import dev.vmroutes.git.CloneSpec;
import dev.vmroutes.git.RepoCloner;
import dev.vmroutes.image.ImageSpec;
import dev.vmroutes.store.Deployment;

import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A deploy, stage by stage: resolve secrets, record, fetch the source and produce the image; then,
 * unless the same image and settings already run healthy, release it: run the container, wait
 * until it is ready, retire what it replaces. A failure after the record removes the container
 * it made and records the phase and why.
 */
public final class DeployPipeline {

    private final Stages stages;

    public DeployPipeline(Stages stages) {
        this.stages = stages;
    }

    public Results.Deployed deploy(DeployRequest request) {
        DeployRequest resolved = stages.resolveSecrets().resolve(request);
        return stages.underLock(resolved.agentName(), lease -> deploy(resolved, lease, null));
    }

    /**
     * A deploy a worker took from the queue: its record exists ({@code claimed}) and the worker
     * holds the agent's lock ({@code lease}), released by the caller. Secrets by reference are read here.
     */
    public Results.Deployed deployClaimed(DeployRequest request, Deployment claimed, DeployLock.Lease lease) {
        return deploy(stages.resolveSecrets().resolve(request), lease, claimed);
    }

    /**
     * The answer to a deploy that would change nothing, found before anything is queued or
     * recorded: the agent runs the branch's commit with the same settings, healthy. Empty when it
     * would change something, or when finding out needs more than the Git server and the engine
     * (secrets by reference, {@code force}, {@code replace: false}): then the deploy goes its usual way.
     */
    public Optional<Results.Deployed> answerIfUnchanged(DeployRequest request) {
        if (!request.replace() || request.force() || request.authTokenSecret() != null || request.sshKeySecret() != null
                || stages.serviceRelease() != null) {
            return Optional.empty();
        }
        CompletableFuture<List<Container>> listing = CompletableFuture.supplyAsync(
                () -> stages.containers().ofAgent(request.agentName()), Thread::startVirtualThread);
        DeployRun run = stages.start("deploy", stages.record().pending(RecordDeployment.newId(), request.agentName(),
                request.repoUrl().url(), request.branch(), null, List.of()), Redactor.of(request.secrets()), null);
        CloneSpec source = cloneSpec(request);
        try (Workspace work = Workspace.create(); RepoCloner.Remote remote = stages.cloner().open(source, work.path().resolve("repo"))) {
            var image = stages.produceImage().identify(run, remote, source, imageSpec(request));
            if (!image.reused()) return Optional.empty();
            List<Container> existing = await(listing);
            Deployment.RunSettings settings = settings(request, existing);
            Optional<InspectContainerResponse> same = run.phase("compare", () -> stages.findUnchanged()
                    .find(stages.release().running(existing), image.tag(), settings, request.environment()));
            return same.map(c -> unchanged(run, c, image));
        }
    }

    private static Deployment.RunSettings settings(DeployRequest r, List<Container> existing) {
        return new Deployment.RunSettings(r.exposePort(), r.limits().memoryBytes(), r.limits().nanoCpus(), r.limits().pids(),
                r.volumes() != null ? r.volumes() : volumesOfNewest(existing), r.network(), r.replicas(), null);
    }

    private Results.Deployed deploy(DeployRequest resolved, DeployLock.Lease lease, Deployment claimed) {
        String id = lease.deploymentId();
        LogContext.about(id, resolved.agentName());
        stages.containers().checkNameIsOwn(resolved.agentName());
        // The agent's containers are asked of the engine while the Git server is asked for the commit.
        CompletableFuture<List<Container>> listing = CompletableFuture.supplyAsync(
                () -> stages.containers().ofAgent(resolved.agentName()), Thread::startVirtualThread);
        DeployRun run = stages.start("deploy", stages.record().pending(id, resolved.agentName(), resolved.repoUrl().url(),
                resolved.branch(), null, List.of()), Redactor.of(resolved.secrets()), lease);
        run.claimed(claimed);
        CloneSpec source = cloneSpec(resolved);
        ImageSpec spec = imageSpec(resolved);
        try (Workspace work = Workspace.create(); RepoCloner.Remote remote = stages.cloner().open(source, work.path().resolve("repo"))) {
            var image = stages.produceImage().identify(run, remote, source, spec);
            List<Container> existing = await(listing);
            ReleaseService onSwarm = stages.serviceRelease();
            Deployment.RunSettings settings = onSwarm == null ? settings(resolved, existing) : onSwarm.place(resolved, settings(resolved, existing));
            run.pending(stages.record().pending(id, resolved.agentName(), resolved.repoUrl().url(), resolved.branch(), settings,
                    existing.stream().map(AgentContainers::name).toList()));
            if (image.reused() && resolved.replace() && !resolved.force() && onSwarm == null) {
                List<Container> running = stages.release().running(existing);
                Optional<InspectContainerResponse> same = run.phase("compare", () -> stages.findUnchanged()
                        .find(running, image.tag(), settings, resolved.environment()));
                if (same.isPresent()) return unchanged(run, same.get(), image);
            }
            stages.record().begin(run);
            var built = stages.produceImage().build(run, remote, source, spec, image);
            if (onSwarm != null) {
                String pushed = onSwarm.publish(run, built.tag());
                return stages.finished(run, onSwarm.release(run, Stages.containerSpec(run, pushed, settings, resolved.environment()),
                        settings, built.commit(), pushed, built.reused()));
            }
            List<Container> toReplace = resolved.replace()
                    ? stages.release().running(stages.containers().ofAgent(resolved.agentName())) : List.of();
            return stages.finished(run, stages.release().release(run,
                    Stages.containerSpec(run, built.tag(), settings, resolved.environment()), built.commit(), built.reused(), toReplace));
        } catch (RuntimeException e) {
            throw stages.failed(run, e);
        }
    }

    /** The same image and settings run healthy: the answer is that container, and nothing is touched or recorded. */
    private Results.Deployed unchanged(DeployRun run, InspectContainerResponse same, ProduceImage.AgentImage image) {
        String deploymentId = same.getConfig().getLabels().get(Labels.DEPLOYMENT);
        stages.record().unchanged(run, image.commit(), image.tag());
        return stages.finished(run, new Results.Deployed(same.getId(), same.getName().replaceFirst("^/", ""),
                same.getState().getStatus(), PublishedPorts.of(same), deploymentId, image.commit(), image.tag(), true,
                null, run.phases(), true, List.of(), true, null, null));
    }

    private static <T> T await(CompletableFuture<T> task) {
        try {
            return task.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw e;
        }
    }

    /** A deploy that does not name volumes mounts those of the agent's newest container, so its data carries over. */
    private static Map<String, String> volumesOfNewest(List<Container> existing) {
        return existing.stream().max(Comparator.comparing(c -> c.getCreated() == null ? 0L : c.getCreated()))
                .map(AgentContainers::volumes).orElse(Map.of());
    }

    private static CloneSpec cloneSpec(DeployRequest r) {
        return new CloneSpec(r.repoUrl(), r.branch(), r.authToken(), r.sshKeyPath(), r.sshKey());
    }

    private static ImageSpec imageSpec(DeployRequest r) {
        return new ImageSpec(r.pythonVersion(), r.exposePort(), r.startupCmd(), r.runAsRoot());
    }

}
