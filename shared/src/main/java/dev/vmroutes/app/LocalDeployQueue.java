package dev.vmroutes.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Deadline;
import dev.vmroutes.api.LogContext;
import dev.vmroutes.api.Tracing;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import dev.vmroutes.deploy.DeployJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local server's queue: at most {@code maxBuilds} deploys run at once in this process, each
 * with the worker's deadline; the others wait their turn. A job whose worker could not reach the
 * table is tried again later, as SQS would deliver it again; the sweep ends one that never runs.
 */
final class LocalDeployQueue implements DeployJobs.Queue, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalDeployQueue.class);
    private static final int ATTEMPTS = 5;
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final DeployJobs jobs;
    private final Duration deadline;
    private final ScheduledExecutorService workers;

    LocalDeployQueue(DeployJobs jobs, int maxBuilds, Duration deadline) {
        this.jobs = jobs;
        this.deadline = deadline;
        this.workers = Executors.newScheduledThreadPool(maxBuilds, Thread.ofPlatform().daemon().name("deploy-worker-", 1).factory());
    }

    @Override
    public void send(String deploymentId, ObjectNode carried) {
        // As an SQS message carries its trace header to the worker's invocation: the deploy is a segment of the same trace.
        String trace = Tracing.currentHeader();
        workers.execute(LogContext.carriedTo(() -> {
            try (Tracing.Scope segment = Tracing.segment("deploy-worker", trace)) {
                run(deploymentId, carried, 1);
            }
        }));
    }

    private void run(String deploymentId, ObjectNode carried, int attempt) {
        try {
            Deadline.run(deadline, VmRoutes.AFTER_DEADLINE, () -> {
                jobs.run(deploymentId, carried);
                return null;
            });
        } catch (VmException e) {
            if (e.kind() != VmException.Kind.UNAVAILABLE || attempt == ATTEMPTS) {
                LOG.error("deployment {} was not run: {}", deploymentId, Redactor.describe(e));
                return;
            }
            LOG.warn("deployment {} goes back to the queue (attempt {}): {}", deploymentId, attempt, Redactor.describe(e));
            workers.schedule(LogContext.carriedTo(() -> run(deploymentId, carried, attempt + 1)), RETRY_AFTER.toMillis() * attempt, TimeUnit.MILLISECONDS);
        }
    }

    /** Without a size limit of its own: as large as SQS's, so a deploy refused on AWS is refused here too. */
    @Override
    public int maxMessageBytes() {
        return SqsDeployQueue.MAX_MESSAGE_BYTES;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
