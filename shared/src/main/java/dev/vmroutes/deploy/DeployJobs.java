package dev.vmroutes.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vmroutes.api.Deadline;
import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.DeployRequestParser;
import dev.vmroutes.api.LogContext;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.RequestedBy;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.store.DeploymentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Deploys that outlive the request. The route takes the agent's lock for the deployment, records
 * it {@code queued} with its request (less what is never stored) and hands it to a worker: a queue
 * on Lambda, a bounded pool on the local server. The worker takes the lock over, claims the record
 * (a redelivered job finds it claimed and does nothing), runs the pipeline under a renewed lease,
 * writes what the deploy answered into the record and frees the agent. The route waits on the
 * record, not on the build, for at most its budget: synchronous and asynchronous deploys run the
 * same code. Every record reaches an end: a job whose worker could not reach the table goes back to
 * the queue; one that reached the dead-letter queue, or whose worker died, is ended by
 * {@link AbandonedDeploys}.
 */
public final class DeployJobs {

    private static final Logger LOG = LoggerFactory.getLogger(DeployJobs.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Duration POLL_EVERY = Duration.ofMillis(100);
    private static final Duration FIRST_POLL = Duration.ofMillis(5);
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(10);
    private static final Set<String> RUNNING_STEPS = Set.of("cloning", "building", "starting", "waiting_ready");

    /** Where accepted deploys go: the deployment's id and what is never stored, through encrypted channels only. */
    public interface Queue {
        void send(String deploymentId, ObjectNode carried);

        /** The largest message this queue takes, in bytes. */
        int maxMessageBytes();

        /** The message {@link #send} sends: what must fit in {@link #maxMessageBytes}. */
        static String message(String deploymentId, ObjectNode carried) {
            ObjectNode message = JSON.createObjectNode().put("deployment_id", deploymentId);
            if (!carried.isEmpty()) message.set("carried", carried);
            return message.toString();
        }
    }

    /** A deploy accepted and not finished yet: where to watch it. */
    public record Accepted(String deploymentId, String agentName, String status) {

        public String statusUrl() {
            return "/api/v1/vm/deployments/" + deploymentId;
        }

        /** The 202 answer's body, with the status given (the record's latest). */
        public Map<String, String> body(String currentStatus) {
            return Map.of("deployment_id", deploymentId, "agent_name", agentName, "status", currentStatus, "status_url", statusUrl());
        }
    }

    private final DeployPipeline pipeline;
    private final DeployRequestParser parser;
    private final DeploymentRecords records;
    private final DeployLock lock;
    private final AgentContainers containers;
    private final Duration workerDeadline;
    private final Clock clock;
    private final Queue queue;
    private final AbandonedDeploys abandoned;

    /**
     * @param workerDeadline how long a worker may run one deploy
     * @param queue          made from these jobs (a local pool calls {@link #run} itself)
     */
    public DeployJobs(DeployPipeline pipeline, DeployRequestParser parser, DeploymentRecords records, DeployLock lock,
                      AgentContainers containers, Duration workerDeadline, Clock clock, Function<DeployJobs, Queue> queue) {
        this.pipeline = pipeline;
        this.parser = parser;
        this.records = records;
        this.lock = lock;
        this.containers = containers;
        this.workerDeadline = workerDeadline;
        this.clock = clock;
        this.queue = queue.apply(this);
        this.abandoned = new AbandonedDeploys(records, lock, containers, clock);
    }

    /** What ends the deployments nobody runs any more: the dead-letter consumer and the sweep use it. */
    public AbandonedDeploys abandoned() {
        return abandoned;
    }

    public Queue queue() {
        return queue;
    }

    /**
     * Takes the agent's lock (409 naming the deploy that holds it), records the deployment as
     * queued, and queues it. A request whose message or record would not fit answers 413 naming
     * the field, before anything is made; a queue that refuses the message leaves the record
     * {@code failed} (phase {@code queue}) and the agent free.
     */
    public Accepted submit(DeployRequest request, JsonNode body) {
        return submit(request, body, null);
    }

    /** As {@link #submit(DeployRequest, JsonNode)}, recording who asked. */
    public Accepted submit(DeployRequest request, JsonNode body, RequestedBy by) {
        String id = RecordDeployment.newId();
        QueuedRequest split = QueuedRequest.split(body);
        split.checkFits(Queue.message(id, split.carried()).getBytes(StandardCharsets.UTF_8).length, queue.maxMessageBytes());
        ObjectNode stored = split.stored();
        String agent = request.agentName();
        LogContext.about(id, agent);
        lock.takeForQueue(agent, id);
        Instant now = clock.instant();
        try {
            records.create(Deployment.queued(id, agent, request.repoUrl().url(), request.branch(), stored.toString(),
                    now.plus(lock.queuedFor()), now).requestedBy(by));
        } catch (RuntimeException e) {
            lock.release(agent, id);
            throw e;
        }
        try {
            queue.send(id, split.carried());
            return new Accepted(id, agent, "queued");
        } catch (RuntimeException e) {
            String reason = "could not be queued: " + Redactor.describe(e);
            records.change(id, r -> r.failed("queue", reason, null, clock.instant())
                    .answered(VmException.Kind.UNAVAILABLE.name(), reason, clock.instant()));
            lock.release(agent, id);
            throw e;
        }
    }

    /** How long the deploy route spends finding out whether a deploy would change nothing before it queues it. */
    static final Duration UNCHANGED_CHECK = Duration.ofSeconds(5);

    /**
     * The answer (JSON) to a deploy that would change nothing, found before anything is queued or
     * recorded, within {@link #UNCHANGED_CHECK}. Empty when it would change something, when a deploy
     * of the agent is under way, or when the check cannot tell in time: then the deploy is queued.
     */
    public Optional<String> answerIfUnchanged(DeployRequest request) {
        try {
            if (lock.holder(request.agentName()).isPresent()) return Optional.empty();
            return Deadline.interruptAfter(UNCHANGED_CHECK, () -> pipeline.answerIfUnchanged(request)).map(DeployJobs::json);
        } catch (RuntimeException cannotTell) {
            LOG.info("agent {}: could not tell whether the deploy changes anything ({}); it is queued",
                    request.agentName(), Redactor.describe(cannotTell));
            return Optional.empty();
        }
    }

    /**
     * The worker's part. A job whose record cannot be read or claimed because the table fails
     * throws {@link VmException.Kind#UNAVAILABLE}: the queue must deliver it again. Once claimed it
     * never throws: what went wrong is in the record.
     *
     * @param carried what the message carried beside the id (inline credentials, environment values)
     */
    public void run(String deploymentId, JsonNode carried) {
        LogContext.about(deploymentId, null);
        Optional<Deployment> queued = records.get(deploymentId);
        if (queued.isEmpty() || !"queued".equals(queued.get().status())) {
            LOG.info("deployment {} is not queued ({}): nothing to do", deploymentId, queued.map(Deployment::status).orElse("unknown"));
            return;
        }
        String agent = queued.get().agentName();
        LogContext.about(null, agent);
        Optional<DeployLock.Lease> taken = lock.takeOver(agent, deploymentId);
        if (taken.isEmpty()) {
            String reason = "agent " + agent + "'s deploy lock was taken by deployment " + lock.named(agent).orElse("(gone)")
                    + " while this deploy waited in the queue past " + queued.get().deadlineAt() + "; it ran nothing";
            LOG.warn("deployment {}: {}", deploymentId, reason);
            records.change(deploymentId, r -> "queued".equals(r.status())
                    ? r.failed("queue", reason, null, clock.instant()).answered(VmException.Kind.CONFLICT.name(), reason, clock.instant()) : r);
            return;
        }
        DeployLock.Lease lease = taken.get();
        Deployment claimed;
        try {
            claimed = records.update(queued.get().claimed(clock.instant().plus(workerDeadline).plus(Duration.ofMinutes(1)), clock.instant()));
        } catch (DeploymentStore.ConflictingWriteException takenMeanwhile) {
            LOG.info("deployment {} was claimed by another worker", deploymentId);
            lease.abandon();
            return;
        } catch (RuntimeException tableFailing) {
            lease.abandon();
            throw tableFailing;
        }
        try (lease) {
            String result = json(pipeline.deployClaimed(parser.parse(QueuedRequest.merge(queued.get(), carried)), claimed, lease));
            records.change(deploymentId, r -> r.answered("ok", result, clock.instant()));
        } catch (RuntimeException e) {
            VmException failure = e instanceof VmException v ? v
                    : VmException.deployFailed("deploy", Redactor.describe(e));
            LOG.warn("deployment {} answered {}: {}", deploymentId, failure.kind(), failure.detail());
            records.change(deploymentId, r -> (r.inProgress() ? r.failed(AbandonedDeploys.phaseOf(r), failure.detail(), r.commitSha(), clock.instant()) : r)
                    .answered(failure.kind().name(), failure.detail(), clock.instant()));
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
                if (!"cancelling".equals(d.status())) break;
                sleep(POLL_EVERY);
            }
            // The deploy may have finished between the look and the change: then it was not cancelled, and says what it is.
            if ("cancelled".equals(d.status()) || "cancelling".equals(d.status())) return d;
            throw VmException.conflict("deployment " + deploymentId + " is " + d.status() + ": it finished before it could be cancelled");
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
