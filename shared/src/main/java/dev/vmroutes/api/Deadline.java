package dev.vmroutes.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The one deadline of a request. Every wait inside it (Git, the build, readiness, a probe) is
 * capped by what is left ({@link #cap}), and {@link #run} answers when it passes whatever the
 * work is doing: the work runs on a virtual thread, and interrupting a virtual thread closes the
 * socket it is blocked on, so a hung engine, table or Git server is cut off, not waited for.
 */
public final class Deadline {

    /** Threads a request starts (its batch items, its concurrent engine calls) inherit its deadline. */
    private static final InheritableThreadLocal<Deadline> CURRENT = new InheritableThreadLocal<>();

    /** How long interrupted work has to answer with its own failure. */
    public static final Duration REPORT = Duration.ofSeconds(1);

    private final Duration budget;
    private final long endNanos;

    private Deadline(Duration budget) {
        this.budget = budget;
        this.endNanos = System.nanoTime() + budget.toNanos();
    }

    public static Deadline after(Duration budget) {
        return new Deadline(budget);
    }

    public Duration budget() {
        return budget;
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    public boolean passed() {
        return System.nanoTime() >= endNanos;
    }

    /** {@code timeout}, or less when the current request's deadline comes sooner; unchanged outside a request. */
    public static Duration cap(Duration timeout) {
        Deadline current = CURRENT.get();
        if (current == null) return timeout;
        Duration left = current.remaining();
        return left.compareTo(timeout) < 0 ? left : timeout;
    }

    /** Whether the current request's deadline has passed (never outside a request). */
    public static boolean currentPassed() {
        Deadline current = CURRENT.get();
        return current != null && current.passed();
    }

    /** The current request's deadline, for messages. */
    public static String describeCurrent() {
        Deadline current = CURRENT.get();
        return current == null ? "its deadline" : "the request's deadline of " + current.budget.toSeconds() + " s";
    }

    /**
     * Runs {@code work} with a deadline {@code budget} away. Its waits end by then; what it does
     * after one ends (recording, removing what it made) has {@code grace}. If it is still busy
     * then, it is interrupted and has {@link #REPORT} to answer with its own failure; after that
     * the request fails as {@link VmException.Kind#UNAVAILABLE}, and the work no longer holds the caller.
     */
    public static <T> T run(Duration budget, Duration grace, Supplier<T> work) {
        Deadline deadline = after(budget);
        CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("request").start(Tracing.carriedTo(LogContext.carriedTo(() -> {
            CURRENT.set(deadline);
            try {
                outcome.complete(work.get());
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        })));
        try {
            return await(outcome, budget.plus(grace));
        } catch (TimeoutException | InterruptedException late) {
            worker.interrupt();
            try {
                return await(outcome, REPORT);
            } catch (VmException answered) {
                // Its own verdict (a deploy failed in a phase); an engine or table cut off by the interrupt is the deadline's doing.
                if (answered.kind() != VmException.Kind.UNAVAILABLE) throw answered;
                throw exceeded(budget);
            } catch (TimeoutException | InterruptedException | RuntimeException stillLate) {
                throw exceeded(budget);
            }
        }
    }

    /** Runs {@code work} on its own thread and interrupts it when {@code limit} passes; then {@link Exceeded} is thrown. */
    public static <T> T interruptAfter(Duration limit, Supplier<T> work) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().start(Tracing.carriedTo(LogContext.carriedTo(() -> {
            try {
                outcome.complete(work.get());
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        })));
        try {
            return await(outcome, limit);
        } catch (TimeoutException | InterruptedException late) {
            // Interrupted from outside (the request's own deadline) ends the work as well.
            if (late instanceof InterruptedException) Thread.currentThread().interrupt();
            worker.interrupt();
            throw new Exceeded(limit);
        }
    }

    public static VmException exceeded(Duration budget) {
        return new VmException(VmException.Kind.UNAVAILABLE,
                "the request did not finish within its deadline of " + budget.toSeconds() + " s", null);
    }

    private static <T> T await(CompletableFuture<T> outcome, Duration limit) throws TimeoutException, InterruptedException {
        try {
            return outcome.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Work that did not finish within its limit and was interrupted. */
    public static final class Exceeded extends RuntimeException {
        private final Duration limit;

        public Exceeded(Duration limit) {
            super("did not finish within " + limit.toSeconds() + " s", null, false, false);
            this.limit = limit;
        }

        public Duration limit() {
            return limit;
        }
    }
}
