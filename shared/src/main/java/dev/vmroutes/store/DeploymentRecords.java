package dev.vmroutes.store;

import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.VmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The store as the operations use it: an unreachable table is {@link VmException.Kind#UNAVAILABLE},
 * and a change to a record that another writer changed first is applied again to what it wrote.
 */
public final class DeploymentRecords {

    private static final Logger LOG = LoggerFactory.getLogger(DeploymentRecords.class);
    private static final int ATTEMPTS = 3;

    private final DeploymentStore store;

    public DeploymentRecords(DeploymentStore store) {
        this.store = store;
    }

    public Deployment create(Deployment deployment) {
        return call(() -> store.create(deployment));
    }

    public Optional<Deployment> get(String id) {
        return call(() -> store.get(id));
    }

    /** The deployments that have a container, each with its latest probe. */
    public List<Deployment> live() {
        return call(store::listLive);
    }

    /** The deployments under way. */
    public List<Deployment> inProgress() {
        return call(store::listInProgress);
    }

    public void recordProbes(List<Probe> probes) {
        call(() -> {
            store.recordProbes(probes);
            return null;
        });
    }

    /** Writes {@code change} of a record just read, conditional on its version; a lost race is the caller's to handle. */
    public Deployment update(Deployment changed) {
        return call(() -> store.update(changed));
    }

    /**
     * Takes the agent's deploy lock for {@code deploymentId}: one deploy per agent at a time. The
     * lock expires, so a deploy that died holding it does not lock the agent for ever.
     *
     * @throws VmException a conflict naming the deployment under way
     */
    public void lockAgent(String agentName, String deploymentId, java.time.Instant expiresAt, java.time.Instant now) {
        call(() -> store.lockAgent(agentName, deploymentId, expiresAt, now)).ifPresent(holder -> {
            throw VmException.conflict("agent " + agentName + " has a deploy under way (deployment " + holder
                    + "); retry once it has finished");
        });
    }

    /** Hands the agent's lock to {@code deploymentId} if it still names it, or has expired: see {@link DeploymentStore#takeOverLock}. */
    public boolean takeOverLock(String agentName, String deploymentId, java.time.Instant expiresAt, java.time.Instant now) {
        return call(() -> store.takeOverLock(agentName, deploymentId, expiresAt, now));
    }

    /** Extends the lease; false when it was lost. */
    public boolean renewLock(String agentName, String deploymentId, java.time.Instant expiresAt) {
        return call(() -> store.renewLock(agentName, deploymentId, expiresAt));
    }

    public Optional<DeploymentStore.Lock> readLock(String agentName) {
        return call(() -> store.readLock(agentName));
    }

    /** Gives the lock back; a failure to do so is only logged (the lock expires). */
    public void unlockAgent(String agentName, String deploymentId) {
        try {
            store.unlockAgent(agentName, deploymentId);
        } catch (RuntimeException e) {
            LOG.warn("could not release agent {}'s deploy lock: {}", agentName, Redactor.describe(e));
        }
    }

    /** One agent's newest {@code limit} records, newest first. */
    public List<Deployment> ofAgent(String agentName, int limit) {
        return call(() -> store.findByAgent(agentName, limit));
    }

    /** Applies {@code change} to a record just read; if another writer won meanwhile, to what it wrote. */
    public void change(Deployment read, UnaryOperator<Deployment> change) {
        try {
            update(change.apply(read));
        } catch (DeploymentStore.ConflictingWriteException raced) {
            change(read.id(), change);
        }
    }

    /**
     * Applies {@code change} to the record {@code id} as read now (a consistent read by key), again
     * while other writers win; a change that returns the record as it was writes nothing.
     */
    public void change(String id, UnaryOperator<Deployment> change) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Deployment> current = get(id);
            if (current.isEmpty()) return;
            Deployment changed = change.apply(current.get());
            if (changed == current.get()) return;
            try {
                update(changed);
                return;
            } catch (DeploymentStore.ConflictingWriteException raced) {
                backOff(attempt);
            }
        }
        LOG.warn("gave up recording a change to deployment {} after repeated write conflicts", id);
    }

    /** Stores a new record of a failure, only logging a write that fails (as {@link #recordQuietly}). */
    public void createQuietly(Deployment failed) {
        try {
            store.create(failed);
        } catch (RuntimeException e) {
            LOG.error("could not record deployment {}: {}", failed.id(), Redactor.describe(e));
        }
    }

    /** Writes a failure without letting a second failure hide the first: a write that fails is only logged. */
    public void recordQuietly(Deployment changed) {
        try {
            store.update(changed);
        } catch (RuntimeException e) {
            LOG.error("could not record deployment {}: {}", changed.id(), Redactor.describe(e));
        }
    }

    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (DeploymentStore.StoreUnavailableException e) {
            throw VmException.unavailable("deployment table", Redactor.describe(e), e);
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(10L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
