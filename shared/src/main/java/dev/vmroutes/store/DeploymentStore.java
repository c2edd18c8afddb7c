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

    Optional<Deployment> findByContainerName(String containerName);

    /** One agent's records, newest first, without their probes (on DynamoDB an index: eventually consistent). */
    List<Deployment> findByAgent(String agentName);

    List<Deployment> list();

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

    /** Gives the agent's lock back, if {@code deploymentId} still holds it. */
    void unlockAgent(String agentName, String deploymentId);

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
