package dev.vmroutes.batch;

import dev.vmroutes.api.Deadline;
import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.StopRequest;
import dev.vmroutes.api.VmException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.BatchRequests;
import dev.vmroutes.deploy.DeployJobs;

import dev.vmroutes.store.RequestedBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Batches of deploys and stops, already validated as a whole, each item's outcome its own, so one
 * failure never hides the others'. Each deploy is queued as the deploy route queues it (its own
 * lock, record and worker), then waited on for the sync budget: an item still under way past it is
 * its {@link DeployJobs.Accepted}. Stops run as the single call would, {@code concurrency} at a time.
 */
public record Batches(DeployJobs jobs, dev.vmroutes.agents.AgentOperations.Stopper stops, int concurrency) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One item's outcome, by its index in the request: what the single call answered, or the failure it threw. */
    public record Outcome(int index, Object result, RuntimeException failure) {
    }

    private static final Duration NO_DEADLINE = Duration.ofDays(1);

    private static VmException notStarted() {
        return new VmException(VmException.Kind.UNAVAILABLE, "not started: " + Deadline.describeCurrent() + " passed first", null);
    }

    /** Queues every deploy, then waits on them all for at most {@code budget}; a finished item's result is its answer as JSON. */
    public List<Outcome> deploy(List<BatchRequests.Deploy> deploys, Duration budget) {
        return deploy(deploys, budget, null);
    }

    /** As {@link #deploy(List, Duration)}, recording who asked on each item's record. */
    public List<Outcome> deploy(List<BatchRequests.Deploy> deploys, Duration budget, RequestedBy by) {
        long until = System.nanoTime() + budget.toNanos();
        List<Outcome> outcomes = new ArrayList<>();
        List<DeployJobs.Accepted> accepted = new ArrayList<>();
        for (BatchRequests.Deploy d : deploys) {
            try {
                accepted.add(jobs.submit(d.request(), d.body(), by));
            } catch (RuntimeException e) {
                accepted.add(null);
                outcomes.add(new Outcome(outcomes.size(), null, e));
                continue;
            }
            outcomes.add(null);
        }
        for (int i = 0; i < deploys.size(); i++) {
            DeployJobs.Accepted item = accepted.get(i);
            if (item == null) continue;
            try {
                Duration left = Duration.ofNanos(Math.max(0, until - System.nanoTime()));
                Optional<String> answer = jobs.await(item.deploymentId(), left);
                outcomes.set(i, new Outcome(i, answer.isPresent() ? JSON.readTree(answer.get()) : item, null));
            } catch (RuntimeException e) {
                outcomes.set(i, new Outcome(i, null, e));
            } catch (JsonProcessingException e) {
                outcomes.set(i, new Outcome(i, null, new IllegalStateException(e)));
            }
        }
        return outcomes;
    }

    public List<Outcome> stop(List<StopRequest> requests) {
        return run(requests, stops::stop);
    }

    private <T> List<Outcome> run(List<T> requests, Function<T, ?> call) {
        Semaphore slots = new Semaphore(concurrency);
        List<Future<Outcome>> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests.size(); i++) {
                int index = i;
                T request = requests.get(i);
                running.add(pool.submit(() -> {
                    // An item that cannot start before the request's deadline is not started at all.
                    if (!slots.tryAcquire(Deadline.cap(NO_DEADLINE).toNanos(), TimeUnit.NANOSECONDS) || Deadline.currentPassed()) {
                        return new Outcome(index, null, notStarted());
                    }
                    try {
                        return new Outcome(index, call.apply(request), null);
                    } catch (RuntimeException e) {
                        return new Outcome(index, null, e);
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> item : running) outcomes.add(item.get());
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running a batch");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
