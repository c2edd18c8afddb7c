package dev.vmroutes.store;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The local run's store: an H2 MVStore file holding each record as JSON, kept across restarts.
 * Conditional writes use the map's compare-and-replace.
 */
public final class EmbeddedDeploymentStore implements DeploymentStore, AutoCloseable {

    private final MVStore store;
    private final MVMap<String, String> records;
    private final MVMap<String, String> probes;
    /** Deploy locks by agent: the holding deployment and its expiry. One process uses this store, so memory holds them. */
    private final java.util.Map<String, java.util.Map.Entry<String, java.time.Instant>> locks;

    public EmbeddedDeploymentStore(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new StoreUnavailableException("cannot create " + file.getParent(), e);
        }
        this.store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        this.records = store.openMap("deployments");
        this.probes = store.openMap("probes");
        this.locks = new java.util.HashMap<>();
    }

    @Override
    public synchronized Deployment create(Deployment deployment) {
        Deployment stored = deployment.withVersion(1);
        if (records.putIfAbsent(deployment.id(), DeploymentJson.write(stored)) != null) {
            throw new ConflictingWriteException(deployment.id());
        }
        store.commit();
        return stored;
    }

    @Override
    public Optional<Deployment> get(String id) {
        return Optional.ofNullable(records.get(id)).map(this::read);
    }

    @Override
    public List<Deployment> findByAgent(String agentName, int limit) {
        return all().stream().filter(d -> agentName.equals(d.agentName()))
                .sorted(Comparator.comparing(Deployment::createdAt).reversed()).limit(limit).toList();
    }

    @Override
    public List<Deployment> listLive() {
        return all().stream().filter(Deployment::live).toList();
    }

    @Override
    public List<Deployment> listInProgress() {
        return all().stream().filter(d -> d.inProgress() && d.deadlineAt() != null).toList();
    }

    /** The local run keeps few records: reading them all is what a scan of this file costs. */
    List<Deployment> all() {
        List<Deployment> all = new ArrayList<>();
        for (String json : records.values()) all.add(read(json));
        return all;
    }

    @Override
    public synchronized void recordProbes(List<Probe> results) {
        for (Probe probe : results) probes.put(probe.deploymentId(), DeploymentJson.write(probe));
        store.commit();
    }

    private Deployment read(String json) {
        Deployment d = DeploymentJson.read(json, Deployment.class);
        String probe = probes.get(d.id());
        return probe == null ? d : d.withProbe(DeploymentJson.read(probe, Probe.class));
    }

    @Override
    public synchronized Deployment update(Deployment deployment) {
        String current = records.get(deployment.id());
        if (current == null || DeploymentJson.read(current, Deployment.class).version() != deployment.version()) {
            throw new ConflictingWriteException(deployment.id());
        }
        Deployment stored = deployment.withVersion(deployment.version() + 1);
        if (!records.replace(deployment.id(), current, DeploymentJson.write(stored))) {
            throw new ConflictingWriteException(deployment.id());
        }
        store.commit();
        return stored;
    }

    @Override
    public synchronized Optional<String> lockAgent(String agentName, String deploymentId, java.time.Instant expiresAt,
                                                  java.time.Instant now) {
        var held = locks.get(agentName);
        if (held != null && !held.getValue().isBefore(now)) return Optional.of(held.getKey());
        locks.put(agentName, java.util.Map.entry(deploymentId, expiresAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        return Optional.empty();
    }

    @Override
    public synchronized boolean takeOverLock(String agentName, String deploymentId, java.time.Instant expiresAt,
                                             java.time.Instant now) {
        var held = locks.get(agentName);
        if (held != null && !held.getKey().equals(deploymentId) && !held.getValue().isBefore(now)) return false;
        locks.put(agentName, java.util.Map.entry(deploymentId, expiresAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        return true;
    }

    @Override
    public synchronized boolean renewLock(String agentName, String deploymentId, java.time.Instant expiresAt) {
        var held = locks.get(agentName);
        if (held == null || !held.getKey().equals(deploymentId)) return false;
        locks.put(agentName, java.util.Map.entry(deploymentId, expiresAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        return true;
    }

    @Override
    public synchronized Optional<Lock> readLock(String agentName) {
        return Optional.ofNullable(locks.get(agentName)).map(e -> new Lock(e.getKey(), e.getValue()));
    }

    @Override
    public synchronized void unlockAgent(String agentName, String deploymentId) {
        var held = locks.get(agentName);
        if (held != null && held.getKey().equals(deploymentId)) locks.remove(agentName);
    }

    @Override
    public void close() {
        store.close();
    }
}
