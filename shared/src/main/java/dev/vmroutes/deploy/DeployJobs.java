package dev.vmroutes.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.DeployRequestParser;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.store.DeploymentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Deploys that outlive the request. The route records the deployment ({@code queued}) under the
 * agent's lock and hands it to a worker: a queue on Lambda, a bounded pool on the local server.
 * The worker claims the record (a redelivered job finds it claimed and does nothing), runs the
 * pipeline, writes what the deploy answered into the record and frees the agent. The route waits
 * on the record, not on the build, for at most its budget: synchronous and asynchronous deploys
 * run the same code.
 */
public final class DeployJobs {

    private static final Logger LOG = LoggerFactory.getLogger(DeployJobs.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Duration POLL_EVERY = Duration.ofMillis(100);
    private static final Duration FIRST_POLL = Duration.ofMillis(5);
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(10);
    private static final Set<String> RUNNING_STEPS = Set.of("cloning", "building", "starting", "waiting_ready");

    /** Where accepted deploys go: the request travels as its body (an inline token with it, so only through encrypted channels). */
    public interface Queue {
        void send(String deploymentId, JsonNode requestBody);
    }

    /** A deploy accepted and not finished yet: where to watch it. */
    public record Accepted(String deploymentId, String agentName, String status) {
    }

    private final DeployPipeline pipeline;
    private final DeployRequestParser parser;
    private final DeploymentRecords records;
    private final Duration lockFor;
    private final Clock clock;
    private final Queue queue;

    /** @param queue made from these jobs (a local pool calls {@link #run} itself) */
    public DeployJobs(DeployPipeline pipeline, DeployRequestParser parser, DeploymentRecords records, Duration lockFor, Clock clock,
                      Function<DeployJobs, Queue> queue) {
        this.pipeline = pipeline;
        this.parser = parser;
        this.records = records;
        this.lockFor = lockFor;
        this.clock = clock;
        this.queue = queue.apply(this);
    }

    public Queue queue() {
        return queue;
    }

    /** Takes the agent's lock (409 naming the deploy that holds it), records the deployment as queued, and queues it. */
    public Accepted submit(DeployRequest request, JsonNode body) {
        String id = RecordDeployment.newId();
        String agent = request.agentName();
        records.lockAgent(agent, id, clock.instant().plus(lockFor), clock.instant());
        try {
            records.create(Deployment.queued(id, agent, request.repoUrl().url(), request.branch(), clock.instant()));
            queue.send(id, body);
            return new Accepted(id, agent, "queued");
        } catch (RuntimeException e) {
            records.change(id, r -> r.failed("queued", "could not be queued: " + Redactor.describe(e), null, clock.instant()));
            records.unlockAgent(agent, id);
            throw e;
        }
    }

    /** The worker's part; it never throws, so a queue never redelivers a job that ran. */
    public void run(String deploymentId, JsonNode body) {
        Optional<Deployment> queued = records.get(deploymentId);
        if (queued.isEmpty() || !"queued".equals(queued.get().status())) {
            LOG.info("deployment {} is not queued ({}): nothing to do", deploymentId, queued.map(Deployment::status).orElse("unknown"));
            return;
        }
        Deployment claimed;
        try {
            claimed = records.update(queued.get().claimed(clock.instant()));
        } catch (DeploymentStore.ConflictingWriteException takenMeanwhile) {
            LOG.info("deployment {} was claimed by another worker", deploymentId);
            return;
        }
        String agent = claimed.agentName();
        try {
            String result = json(pipeline.deployClaimed(parser.parse(body), claimed));
            records.change(deploymentId, r -> r.answered("ok", result, clock.instant()));
        } catch (RuntimeException e) {
            VmException failure = e instanceof VmException v ? v
                    : VmException.deployFailed("deploy", Redactor.describe(e));
            LOG.warn("deployment {} answered {}: {}", deploymentId, failure.kind(), failure.detail());
            records.change(deploymentId, r -> (Deployment.IN_PROGRESS.contains(r.status())
                    ? r.failed("clone", failure.detail(), r.commitSha(), clock.instant()) : r)
                    .answered(failure.kind().name(), failure.detail(), clock.instant()));
        } finally {
            records.unlockAgent(agent, deploymentId);
        }
    }

    /**
     * Cancels a deploy that has not run yet: a queued one at once (its agent freed), one under way
     * at its worker's next step (the build is stopped within a second; what it made is removed),
     * waited for up to {@link #CANCEL_WAIT}. A deploy that has run is a conflict.
     */
    public Deployment cancel(String deploymentId) {
        Deployment d = records.get(deploymentId).orElseThrow(() -> VmException.notFound("deployment " + deploymentId + " not found"));
        if ("queued".equals(d.status())) {
            try {
                String cancelled = "deployment " + deploymentId + " was cancelled";
                Deployment done = records.update(d.cancelled(clock.instant())
                        .answered(VmException.Kind.CONFLICT.name(), cancelled, clock.instant()));
                records.unlockAgent(d.agentName(), deploymentId);
                return done;
            } catch (DeploymentStore.ConflictingWriteException claimedMeanwhile) {
                d = records.get(deploymentId).orElseThrow();
            }
        }
        if (RUNNING_STEPS.contains(d.status())) {
            records.change(deploymentId, r -> RUNNING_STEPS.contains(r.status()) ? r.cancelling(clock.instant()) : r);
            long until = System.nanoTime() + CANCEL_WAIT.toNanos();
            while (System.nanoTime() < until) {
                d = records.get(deploymentId).orElseThrow();
                if (!"cancelling".equals(d.status())) return d;
                sleep(POLL_EVERY);
            }
            return d;
        }
        if (Set.of("cancelling", "cancelled").contains(d.status())) return d;
        throw VmException.conflict("deployment " + deploymentId + " is " + d.status() + ": only a queued or building deploy can be cancelled");
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits on the record until it holds the deploy's answer, at most {@code budget}: its JSON
     * result, or the failure it answered thrown as it was; empty when the budget passed first.
     */
    public Optional<String> await(String deploymentId, Duration budget) {
        long until = System.nanoTime() + budget.toNanos();
        // Soon at first (a deploy found unchanged answers in tens of milliseconds), then every POLL_EVERY.
        Duration pause = FIRST_POLL;
        while (true) {
            Optional<Deployment> record = records.get(deploymentId);
            if (record.isPresent() && record.get().answerKind() != null) {
                Deployment d = record.get();
                if ("ok".equals(d.answerKind())) return Optional.of(d.answerBody());
                throw new VmException(VmException.Kind.valueOf(d.answerKind()), d.answerBody(), null);
            }
            if (System.nanoTime() + pause.toNanos() > until) return Optional.empty();
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            pause = pause.multipliedBy(2).compareTo(POLL_EVERY) < 0 ? pause.multipliedBy(2) : POLL_EVERY;
        }
    }

    private static String json(Object result) {
        try {
            return JSON.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
