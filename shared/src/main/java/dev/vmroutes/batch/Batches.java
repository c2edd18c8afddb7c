package dev.vmroutes.batch;

import dev.vmroutes.agents.StopAgent;
import dev.vmroutes.api.Deadline;
import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.StopRequest;
import dev.vmroutes.api.VmException;
import dev.vmroutes.deploy.DeployPipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Batches of deploys and stops, already validated as a whole: each item runs as the single call
 * would, {@code concurrency} at a time, and each item's outcome is its own, so one failure never
 * hides the others'.
 */
public record Batches(DeployPipeline deploys, StopAgent stops, int concurrency) {

    /** One item's outcome, by its index in the request: what the single call answered, or the failure it threw. */
    public record Outcome(int index, Object result, RuntimeException failure) {
    }

    private static final Duration NO_DEADLINE = Duration.ofDays(1);

    private static VmException notStarted() {
        return new VmException(VmException.Kind.UNAVAILABLE, "not started: " + Deadline.describeCurrent() + " passed first", null);
    }

    public List<Outcome> deploy(List<DeployRequest> requests) {
        return run(requests, deploys::deploy);
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
