package dev.vmroutes.deploy;

import dev.vmroutes.api.Tracing;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.Results;
import dev.vmroutes.store.Deployment;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One deploy under way: its record, what it has made so far (so a failure can remove it), and its
 * timed phases. Every stage reports through {@link #phase}, which is where durations come from.
 */
final class DeployRun {

    private final String operation;
    private Deployment record;
    private boolean recorded;
    /** The deployment's record as a queue's worker claimed it, before this run writes its own; null for a deploy made in one call. */
    private Deployment claimed;
    private final Redactor redactor;
    private final DeployLock.Lease lease;
    private final Clock clock;
    private final long startNanos = System.nanoTime();
    private final List<Results.Phase> phases = new ArrayList<>();
    private String currentPhase = "clone";
    private Instant currentStart;
    /** Called as each phase starts once the record is stored: so the record says what the deploy is doing. */
    private Consumer<DeployRun> onPhaseStart = run -> { };
    private String commit;
    private String containerId;
    private final List<String> createdVolumes = new ArrayList<>();

    /**
     * @param operation deploy or rollback, as the metrics name it
     * @param record    the record the run will write, not stored yet (see {@link RecordDeployment#begin})
     */
    DeployRun(String operation, Deployment record, Redactor redactor, DeployLock.Lease lease, Clock clock) {
        this.operation = operation;
        this.record = record;
        this.redactor = redactor;
        this.lease = lease;
        this.clock = clock;
    }

    /** Runs one phase; if it throws, it stays the current phase, the one the failure is reported in. */
    <T> T phase(String name, Supplier<T> work) {
        currentPhase = name;
        Instant start = clock.instant();
        currentStart = start;
        if (recorded) onPhaseStart.accept(this);
        long startNanos = System.nanoTime();
        T result = Tracing.subsegment(name, work);
        Instant end = clock.instant();
        phases.add(new Results.Phase(name, start, end, (System.nanoTime() - startNanos) / 1_000_000));
        currentStart = null;
        return result;
    }

    void onPhaseStart(Consumer<DeployRun> action) {
        onPhaseStart = action;
    }

    /** The phases so far for the record: the one under way ends at {@code openEndsAt} (null: it has not ended). */
    List<Deployment.PhaseTime> phaseTimes(Instant openEndsAt) {
        List<Deployment.PhaseTime> times = new ArrayList<>(phases.stream()
                .map(p -> new Deployment.PhaseTime(p.phase(), p.startedAt(), p.endedAt())).toList());
        if (currentStart != null) times.add(new Deployment.PhaseTime(currentPhase, currentStart, openEndsAt));
        return times;
    }

    /** The phase under way, if any. */
    String currentPhase() {
        return currentStart == null ? null : currentPhase;
    }

    void phase(String name, Runnable work) {
        phase(name, () -> {
            work.run();
            return null;
        });
    }

    String operation() {
        return operation;
    }

    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Reports a failure found now in an earlier phase (a start command that could not run shows only once it exits). */
    void failingIn(String phase) {
        currentPhase = phase;
    }

    Deployment record() {
        return record;
    }

    String agent() {
        return record.agentName();
    }

    /** The record as it will be written, now that what it depends on is known; only before it is stored. */
    void pending(Deployment record) {
        if (recorded) throw new IllegalStateException("the record is stored already");
        this.record = record;
    }

    void claimed(Deployment stored) {
        this.claimed = stored;
    }

    Deployment claimed() {
        return claimed;
    }

    /** Whether the record is in the store: a deploy found unchanged never writes one. */
    boolean recorded() {
        return recorded;
    }

    void recorded(Deployment stored) {
        this.record = stored;
        this.recorded = true;
    }

    /** The agent's lock this run holds: checked before each record write, renewed at once before it replaces. */
    DeployLock.Lease lease() {
        return lease;
    }

    Redactor redactor() {
        return redactor;
    }

    /** The phase a failure is reported in: the one under way when it happened. */
    String failedPhase() {
        return currentPhase;
    }

    List<Results.Phase> phases() {
        return List.copyOf(phases);
    }

    String commit() {
        return commit;
    }

    void commit(String sha) {
        this.commit = sha;
    }

    String containerId() {
        return containerId;
    }

    void containerId(String id) {
        this.containerId = id;
    }

    /** Volumes this run made: a failed deploy removes them with its container. */
    List<String> createdVolumes() {
        return List.copyOf(createdVolumes);
    }

    void createdVolume(String dockerName) {
        createdVolumes.add(dockerName);
    }
}
