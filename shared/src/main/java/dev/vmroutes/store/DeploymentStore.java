package dev.vmroutes.store;

import java.util.List;
import java.util.Optional;

/**
 * Deployment records. Writes are conditional, so two writers never silently overwrite each other.
 * Probe results are kept beside the records, not in them: the sweep writes every deployment's at
 * once, unconditionally, without racing deploys and stops for a record's version. Reads return
 * each record with its latest probe.
 */
public interface DeploymentStore {

    /**
     * Stores a new record.
     *
     * @return the stored record (version 1)
     * @throws ConflictingWriteException if a record with that id exists
     * @throws StoreUnavailableException if the store cannot be reached
     */
    Deployment create(Deployment deployment);

    Optional<Deployment> get(String id);

    /**
     * One agent's newest {@code limit} records, newest first, without their probes (on DynamoDB an
     * index read a page at a time up to the limit: eventually consistent, and as fast with a year of
     * records as with one).
     */
    List<Deployment> findByAgent(String agentName, int limit);

    /** The deployments that have a container (see {@link Deployment#live()}), each with its latest probe; never the whole table. */
    List<Deployment> listLive();

    /** The deployments under way (see {@link Deployment#inProgress()}) that have a deadline; never the whole table. */
    List<Deployment> listInProgress();

    /**
     * Replaces the record if its stored version is still {@code deployment.version()}.
     *
     * @return the stored record, with the next version
     * @throws ConflictingWriteException if the record changed (or vanished) since it was read
     */
    Deployment update(Deployment deployment);

    /**
     * Stores the latest probe of each deployment named, replacing the one before, in as few calls
     * as the store allows.
     */
    void recordProbes(List<Probe> probes);

    /**
     * Takes the agent's deploy lock for {@code deploymentId} until {@code expiresAt}, unless
     * another deployment holds it and it has not expired.
     *
     * @return empty when taken; else the id of the deployment that holds it
     */
    Optional<String> lockAgent(String agentName, String deploymentId, java.time.Instant expiresAt, java.time.Instant now);

    /**
     * Hands the agent's lock to {@code deploymentId} until {@code expiresAt}: only while it still
     * names that deployment, or has expired, or is gone.
     *
     * @return whether it is now held by {@code deploymentId}
     */
    boolean takeOverLock(String agentName, String deploymentId, java.time.Instant expiresAt, java.time.Instant now);

    /**
     * Extends the lease of {@code deploymentId} on the agent's lock to {@code expiresAt}.
     *
     * @return false when another deployment holds it, or it is gone: the lease was lost
     */
    boolean renewLock(String agentName, String deploymentId, java.time.Instant expiresAt);

    /** The agent's lock as it stands, expired or not. */
    Optional<Lock> readLock(String agentName);

    /** Gives the agent's lock back, if {@code deploymentId} still holds it. */
    void unlockAgent(String agentName, String deploymentId);

    /** An agent's deploy lock: the deployment that holds it and when its lease ends. */
    record Lock(String holder, java.time.Instant expiresAt) {
    }

    /** Thrown when a conditional write loses: the record changed since it was read. */
    final class ConflictingWriteException extends RuntimeException {
        public ConflictingWriteException(String id) {
            super("deployment " + id + " was changed by another writer");
        }
    }

    /** Thrown when the store cannot be reached. */
    final class StoreUnavailableException extends RuntimeException {
        public StoreUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
