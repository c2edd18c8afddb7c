package dev.vmroutes.deploy;

import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.ContainerSpec;
import dev.vmroutes.docker.Images;
import dev.vmroutes.git.CloneSpec;
import dev.vmroutes.git.RepoCloner;
import dev.vmroutes.image.ImageSpec;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.DeploymentRecords;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * A deploy, stage by stage: resolve secrets, record, fetch the source and produce the image, run
 * the container, wait until it is ready, record what runs. A failure after the record removes the
 * container it made and records the phase and why.
 */
public final class DeployPipeline {

    private final ResolveSecrets resolveSecrets;
    private final RecordDeployment recordDeployment;
    private final ProduceImage produceImage;
    private final RunContainer runContainer;
    private final AwaitReady awaitReady;
    private final AgentContainers containers;
    private final Clock clock;

    public DeployPipeline(Function<String, String> secrets, DeploymentRecords records, RepoCloner cloner, Images images,
                          AgentContainers containers, HttpProbe probe, Duration readyTimeout, Clock clock) {
        this.resolveSecrets = new ResolveSecrets(secrets);
        this.recordDeployment = new RecordDeployment(records, clock);
        this.produceImage = new ProduceImage(cloner, images);
        this.runContainer = new RunContainer(containers);
        this.awaitReady = new AwaitReady(containers, probe, readyTimeout);
        this.containers = containers;
        this.clock = clock;
    }

    public Results.Deployed deploy(DeployRequest request) {
        DeployRequest resolved = resolveSecrets.resolve(request);
        DeployRun run = new DeployRun(recordDeployment.begin(resolved), Redactor.of(resolved.secrets()), clock);
        try (Workspace work = Workspace.create()) {
            var image = produceImage.produce(run, cloneSpec(resolved), imageSpec(resolved), work.path());
            run.phase("start", () -> runContainer.run(run, containerSpec(resolved, run, image.tag())));
            var state = run.phase("ready", () -> awaitReady.await(run.containerId(), resolved.exposePort()));
            return recordDeployment.finish(run, image, state);
        } catch (RuntimeException e) {
            containers.removeQuietly(run.containerId());
            throw recordDeployment.fail(run, e);
        }
    }

    private static CloneSpec cloneSpec(DeployRequest r) {
        return new CloneSpec(r.repoUrl(), r.branch(), r.authToken(), r.sshKeyPath(), r.sshKey());
    }

    private static ImageSpec imageSpec(DeployRequest r) {
        return new ImageSpec(r.pythonVersion(), r.exposePort(), r.startupCmd());
    }

    private static ContainerSpec containerSpec(DeployRequest r, DeployRun run, String image) {
        return new ContainerSpec(run.record().containerName(), image, r.agentName(), run.record().id(), r.exposePort(),
                r.environment(), r.limits());
    }
}
