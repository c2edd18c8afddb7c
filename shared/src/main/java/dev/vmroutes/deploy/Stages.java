package dev.vmroutes.deploy;

import dev.vmroutes.api.Deadline;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.api.ContainerLimits;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.AgentNetworks;
import dev.vmroutes.docker.AgentVolumes;
import dev.vmroutes.docker.ContainerSpec;
import dev.vmroutes.docker.ContainerLogs;
import dev.vmroutes.docker.Images;
import dev.vmroutes.git.RepoCloner;
import dev.vmroutes.metrics.Metrics;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.BuildLogs;
import dev.vmroutes.store.DeploymentRecords;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The stages deploys and rollbacks are made of, and what each of them does when it starts and
 * ends: a timed run, and one metric line with its outcome and phases.
 */
public final class Stages {

    private final ResolveSecrets resolveSecrets;
    private final RecordDeployment record;
    private final RepoCloner cloner;
    private final ProduceImage produceImage;
    private final FindUnchanged findUnchanged;
    private final Release release;
    private final AgentContainers containers;
    private final DeploymentRecords records;
    private final Images images;
    private final Metrics metrics;
    private final DeployLock lock;
    private final Clock clock;
    /** On a Swarm, how a version is put in service; null on a single engine. */
    private final ReleaseService serviceRelease;

    /**
     * @param keepImages how many of an agent's latest successful deployments keep their image
     * @param deployDeadline how long a deploy made in one call may take, past which the sweep ends it
     * @param lock       the agents' deploy locks
     * @param metrics    where metric lines go (standard output on Lambda)
     * @param swarm      agents run as Swarm services; null: as containers on one engine
     */
    public Stages(Function<String, String> secrets, DeploymentRecords records, BuildLogs buildLogs, RepoCloner cloner, Images images,
                  AgentContainers containers, ContainerLogs logs, HttpProbe probe, Duration readyTimeout, int keepImages,
                  Duration deployDeadline, DeployLock lock, Metrics metrics, Clock clock, dev.vmroutes.swarm.SwarmRuntime swarm) {
        this.lock = lock;
        AgentNetworks networks = containers.networks();
        this.resolveSecrets = new ResolveSecrets(secrets);
        this.record = new RecordDeployment(records, deployDeadline, clock, swarm != null);
        this.serviceRelease = swarm == null ? null : new ReleaseService(swarm.services(), swarm.specs(), images, swarm.registry(),
                record, records, readyTimeout, clock);
        this.cloner = cloner;
        this.produceImage = new ProduceImage(images, buildLogs, record::cancelRequested);
        this.findUnchanged = new FindUnchanged(containers, probe);
        this.release = new Release(new RunContainer(containers, new AgentVolumes(containers.docker()), networks),
                new AwaitReady(containers, probe, readyTimeout), containers, networks, logs, record,
                new PruneImages(records, images, containers, keepImages, clock), records, clock);
        this.containers = containers;
        this.records = records;
        this.images = images;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The container a run makes: its record's name and id, the image, and how it runs. */
    static ContainerSpec containerSpec(DeployRun run, String image, Deployment.RunSettings s, Map<String, String> environment) {
        return new ContainerSpec(run.record().containerName(), image, run.record().agentName(), run.record().id(), s.port(),
                environment, new ContainerLimits(s.memoryBytes(), s.nanoCpus(), s.pids()), s.volumes(), s.network());
    }

    /**
     * Runs {@code work} with a new deployment id under the agent's deploy lock: one deploy or
     * rollback per agent at a time, a second one is a conflict naming the first.
     */
    <T> T underLock(String agent, Function<DeployLock.Lease, T> work) {
        try (DeployLock.Lease lease = lock.take(agent, RecordDeployment.newId())) {
            return work.apply(lease);
        }
    }

    DeployLock lock() {
        return lock;
    }

    /** A run of the deployment that holds {@code lease}, which must hold while it records and before it replaces. */
    DeployRun start(String operation, Deployment created, Redactor redactor, DeployLock.Lease lease) {
        DeployRun run = new DeployRun(operation, created, redactor, lease, clock);
        run.onPhaseStart(record::progress);
        return run;
    }

    /** Writes the metric line of a run that answered: a run that retired containers counts as a replace. */
    Results.Deployed finished(DeployRun run, Results.Deployed result) {
        String operation = result.replaced().isEmpty() ? run.operation() : "replace";
        String outcome = Boolean.TRUE.equals(result.unchanged()) ? "unchanged" : result.ready() ? "ready" : "not_ready";
        metrics.operation(operation, run.agent(), outcome, result.phases(), run.elapsedMs(), clock.instant());
        return result;
    }

    /** Removes the container the run made, records why it failed, writes its metric line; returns what to tell the caller. */
    RuntimeException failed(DeployRun run, RuntimeException failure) {
        // The request's deadline may have interrupted the work: the cleanup below must still reach the engine and the table.
        boolean interrupted = Thread.interrupted();
        RuntimeException error = (interrupted || Deadline.currentPassed()) && !explained(failure)
                ? VmException.deployFailed(run.failedPhase(), "did not finish within " + Deadline.describeCurrent()) : failure;
        if (record.cancelRequested(run)) {
            // Cancelled while under way: what it made goes, and the record says so.
            removeMade(run);
            record.cancelled(run);
            metrics.operation(run.operation(), run.record().agentName(), "cancelled", run.phases(), run.elapsedMs(), clock.instant());
            return VmException.conflict("deployment " + run.record().id() + " was cancelled");
        }
        Optional<String> stoppedAs = record.endedByStop(run);
        if (stoppedAs.isPresent()) {
            // A stop found the new container meanwhile: what it asked for holds, whatever the deploy did after it.
            if ("removed".equals(stoppedAs.get())) containers.removeQuietly(run.containerId());
            else containers.stopQuietly(run.containerId());
            metrics.operation(run.operation(), run.record().agentName(), "stopped", run.phases(), run.elapsedMs(), clock.instant());
            return VmException.conflict("deployment " + run.record().id() + " was " + stoppedAs.get()
                    + " by a stop request while it deployed");
        }
        removeMade(run);
        RuntimeException answer = record.fail(run, error);
        metrics.operation(run.operation(), run.record().agentName(), "failed", run.phases(), run.elapsedMs(), clock.instant());
        return answer;
    }

    /** Removes the container a failed run made, and the volumes it made for it. */
    private void removeMade(DeployRun run) {
        containers.removeQuietly(run.containerId());
        new AgentVolumes(containers.docker()).removeQuietly(run.createdVolumes());
    }

    /** A failure that already says what happened, rather than the broken connection an interrupt leaves. */
    private static boolean explained(RuntimeException failure) {
        return failure instanceof RepoCloner.CloneFailedException || failure instanceof Images.BuildFailedException
                || failure instanceof Images.BuildCancelledException
                || (failure instanceof VmException v && v.kind() != VmException.Kind.UNAVAILABLE);
    }

    /** On a Swarm, how a version is put in service; null on a single engine. */
    ReleaseService serviceRelease() {
        return serviceRelease;
    }

    ResolveSecrets resolveSecrets() {
        return resolveSecrets;
    }

    RecordDeployment record() {
        return record;
    }

    RepoCloner cloner() {
        return cloner;
    }

    ProduceImage produceImage() {
        return produceImage;
    }

    FindUnchanged findUnchanged() {
        return findUnchanged;
    }

    Release release() {
        return release;
    }

    AgentContainers containers() {
        return containers;
    }

    DeploymentRecords records() {
        return records;
    }

    Images images() {
        return images;
    }
}
