package dev.vmroutes.deploy;

import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import dev.vmroutes.store.DeploymentRecords;
import dev.vmroutes.store.DeploymentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * An agent's deploy lock: one deploy or rollback per agent at a time. The lock names the
 * deployment that holds it, its fencing token, and has a lease. A queued deploy holds it for as
 * long as it may wait in the queue; a deploy that runs holds a short lease it renews while it runs,
 * so a worker that died frees the agent within one lease. A worker takes the lock over from the
 * queued deploy it claims, only while the lock still names that deploy or has expired. Before a
 * deploy retires other containers it renews once more ({@link Lease#fence}): a deploy whose lease
 * was lost cannot replace anything.
 */
public final class DeployLock {

    private static final Logger LOG = LoggerFactory.getLogger(DeployLock.class);

    private final DeploymentRecords records;
    private final Duration queuedFor;
    private final Duration lease;
    private final Clock clock;

    /**
     * @param queuedFor how long a queued deploy holds the agent before a worker takes it
     * @param lease     how long a running deploy's lease lasts; it is renewed every third of it
     */
    public DeployLock(DeploymentRecords records, Duration queuedFor, Duration lease, Clock clock) {
        this.records = records;
        this.queuedFor = queuedFor;
        this.lease = lease;
        this.clock = clock;
    }

    public Duration queuedFor() {
        return queuedFor;
    }

    /** Takes the lock for a deploy about to be queued; a conflict naming the deploy under way when another holds it. */
    public void takeForQueue(String agent, String deploymentId) {
        records.lockAgent(agent, deploymentId, clock.instant().plus(queuedFor), clock.instant());
    }

    /** Takes the lock for a deploy or rollback that runs now; a conflict naming the deploy under way when another holds it. */
    public Lease take(String agent, String deploymentId) {
        records.lockAgent(agent, deploymentId, clock.instant().plus(lease), clock.instant());
        return new Lease(agent, deploymentId);
    }

    /** Hands the lock to the worker that claims {@code deploymentId}: empty when another deploy holds it now. */
    public Optional<Lease> takeOver(String agent, String deploymentId) {
        return records.takeOverLock(agent, deploymentId, clock.instant().plus(lease), clock.instant())
                ? Optional.of(new Lease(agent, deploymentId)) : Optional.empty();
    }

    /** Gives the lock back if {@code deploymentId} still holds it (a failure to is logged: the lease ends anyway). */
    public void release(String agent, String deploymentId) {
        records.unlockAgent(agent, deploymentId);
    }

    /** Who holds the agent's lock now, if anyone does and its lease has not ended. */
    public Optional<String> holder(String agent) {
        return records.readLock(agent).filter(l -> l.expiresAt().isAfter(clock.instant())).map(DeploymentStore.Lock::holder);
    }

    /** The deployment the agent's lock names, its lease current or not: who took the agent last. */
    public Optional<String> named(String agent) {
        return records.readLock(agent).map(DeploymentStore.Lock::holder);
    }

    /** A held lease, renewed in the background until closed (which releases the lock) or {@link #abandon}ed. */
    public final class Lease implements AutoCloseable {

        private final String agent;
        private final String deploymentId;
        private final Thread renewer;
        private volatile boolean lost;
        private volatile boolean done;

        private Lease(String agent, String deploymentId) {
            this.agent = agent;
            this.deploymentId = deploymentId;
            this.renewer = Thread.ofVirtual().name("lease-" + deploymentId).start(this::renewUntilDone);
        }

        public String deploymentId() {
            return deploymentId;
        }

        private void renewUntilDone() {
            Duration every = lease.dividedBy(3);
            while (!done && !lost) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException stopped) {
                    return;
                }
                if (done) return;
                try {
                    if (!records.renewLock(agent, deploymentId, clock.instant().plus(lease))) {
                        lost = true;
                        LOG.warn("deployment {} lost agent {}'s deploy lock", deploymentId, agent);
                    }
                } catch (RuntimeException e) {
                    // The table is failing: try again next time; the lease may run out meanwhile, and then it is lost.
                    LOG.warn("could not renew deployment {}'s lease on agent {}: {}", deploymentId, agent, Redactor.describe(e));
                }
            }
        }

        /** Throws when the lease is known lost: the deploy must stop writing as the agent's owner. */
        public void check() {
            if (lost) throw lostLease();
        }

        /** Renews now, and throws when that fails: called right before retiring the containers of other deployments. */
        public void fence() {
            check();
            if (!records.renewLock(agent, deploymentId, clock.instant().plus(lease))) {
                lost = true;
                throw lostLease();
            }
        }

        private VmException lostLease() {
            String holder = records.readLock(agent).map(DeploymentStore.Lock::holder).orElse("nobody");
            return VmException.conflict("deployment " + deploymentId + " lost agent " + agent
                    + "'s deploy lock (now held by " + holder + "): it replaced nothing");
        }

        /** Stops renewing without releasing: for a worker that found another claimed the same deployment. */
        public void abandon() {
            done = true;
            renewer.interrupt();
        }

        @Override
        public void close() {
            abandon();
            if (!lost) release(agent, deploymentId);
        }
    }
}
