package dev.vmroutes.deploy;

import com.github.dockerjava.api.model.Container;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.docker.AgentNetworks;
import dev.vmroutes.docker.ContainerLogs;
import dev.vmroutes.docker.ContainerSpec;
import dev.vmroutes.docker.Labels;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Puts a new container in service, for a deploy and a rollback alike: run it, wait until it is
 * ready, record it, and only then retire the agent's containers it replaces and prune the agent's
 * old images. A container that would replace others and is not ready in time is a failure in
 * phase {@code ready} that carries its last log lines; what ran before keeps running untouched.
 */
record Release(RunContainer runContainer, AwaitReady awaitReady, AgentContainers containers, AgentNetworks networks, ContainerLogs logs,
               RecordDeployment recordDeployment, PruneImages pruneImages, DeploymentRecords records, Clock clock) {

    private static final Logger LOG = LoggerFactory.getLogger(Release.class);
    private static final int LOG_LINES_ON_FAILURE = 20;

    /** The agent's running containers: what a release replaces. */
    List<Container> running(List<Container> agentContainers) {
        return agentContainers.stream().filter(c -> "running".equals(c.getState())).toList();
    }

    Results.Deployed release(DeployRun run, ContainerSpec spec, String commit, boolean imageReused, List<Container> toReplace) {
        run.phase("start", () -> runContainer.run(run, spec));
        AwaitReady.Readiness readiness = run.phase("ready", () -> awaitReady.await(run.containerId(), spec.port(),
                () -> recordDeployment.cancelRequested(run)));
        Long exit = readiness.state().getState().getExitCodeLong();
        if (!readiness.ready() && exit != null && (exit == 126 || exit == 127) && !readiness.state().getState().getRunning()) {
            // The init in front of the agent reports a command it could not run, and exits as a shell would.
            run.failingIn("start");
            throw VmException.deployFailed("start", run.redactor().redact("the start command could not be run (exit code "
                    + exit + "): " + lastLines(run.containerId())));
        }
        if (!readiness.ready() && !toReplace.isEmpty()) {
            throw VmException.deployFailed("ready", run.redactor().redact("the new container was not ready: "
                    + readiness.reason() + "; " + names(toReplace) + " kept running. Its last log lines:\n" + lastLines(run.containerId())));
        }
        Deployment record = recordDeployment.finish(run, commit, spec.image(), imageReused, readiness);
        List<String> replaced = toReplace.isEmpty() ? List.of() : run.phase("replace", () -> {
            run.lease().fence();
            return retire(toReplace, record.id());
        });
        if (readiness.ready()) run.phase("prune", () -> pruneImages.prune(record));
        var state = readiness.state();
        String status = state.getState().getStatus();
        Long exitCode = "running".equals(status) ? null : state.getState().getExitCodeLong();
        return new Results.Deployed(state.getId(), record.containerName(), status, record.ports(), record.id(), commit,
                spec.image(), imageReused, exitCode, run.phases(), readiness.ready(), replaced, null, record.rollbackOf(),
                readiness.ready() ? null : run.redactor().redact(readiness.reason()));
    }

    /** Stops and removes each container, marking its deployment replaced; one that cannot be removed is left and logged. */
    private List<String> retire(List<Container> toReplace, String byDeploymentId) {
        List<String> retired = new ArrayList<>();
        for (Container c : toReplace) {
            String name = AgentContainers.name(c);
            try {
                containers.stop(c.getId(), true);
                retired.add(name);
                String deploymentId = c.getLabels().get(Labels.DEPLOYMENT);
                if (deploymentId != null) records.change(deploymentId, d -> d.replaced(byDeploymentId, clock.instant()));
                if (c.getHostConfig() != null) networks.removeIfUnused(c.getHostConfig().getNetworkMode());
            } catch (RuntimeException e) {
                LOG.warn("could not retire {} after deployment {} became ready: {}", name, byDeploymentId, Redactor.describe(e));
            }
        }
        return retired;
    }

    private String lastLines(String containerId) {
        try {
            return logs.read(containerId, LOG_LINES_ON_FAILURE, null, 16 * 1024).lines().stream()
                    .map(l -> l.stream() + ": " + l.text()).collect(Collectors.joining("\n"));
        } catch (RuntimeException e) {
            return "(could not read them: " + Redactor.describe(e) + ")";
        }
    }

    private static String names(List<Container> containers) {
        return containers.stream().map(AgentContainers::name).collect(Collectors.joining(", "));
    }
}
