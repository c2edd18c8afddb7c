package dev.vmroutes.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.api.Deadline;
import dev.vmroutes.deploy.DeployJobs;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The local server's queue: a bounded pool of workers in this process, each deploy with the worker's deadline. */
final class LocalDeployQueue implements DeployJobs.Queue, AutoCloseable {

    private final DeployJobs jobs;
    private final Duration deadline;
    private final ExecutorService workers;

    LocalDeployQueue(DeployJobs jobs, int workers, Duration deadline) {
        this.jobs = jobs;
        this.deadline = deadline;
        this.workers = Executors.newFixedThreadPool(workers, Thread.ofPlatform().daemon().name("deploy-worker-", 1).factory());
    }

    @Override
    public void send(String deploymentId, JsonNode requestBody) {
        workers.execute(() -> Deadline.run(deadline, VmRoutes.AFTER_DEADLINE, () -> {
            jobs.run(deploymentId, requestBody);
            return null;
        }));
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
