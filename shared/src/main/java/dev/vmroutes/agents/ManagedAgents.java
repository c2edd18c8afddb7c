package dev.vmroutes.agents;

import com.github.dockerjava.api.model.Container;
import dev.vmroutes.docker.AgentContainers;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.store.DeploymentRecords;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The managed containers (one engine call) and the table's newest record per container name, read at the same time. */
record ManagedAgents(AgentContainers containers, DeploymentRecords records) {

    record Snapshot(List<Container> containers, Map<String, Deployment> records) {
    }

    Snapshot read() {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Map<String, Deployment>> byName = pool.submit(this::recordsByContainerName);
            List<Container> managed = containers.listManaged();
            return new Snapshot(managed, await(byName));
        }
    }

    private Map<String, Deployment> recordsByContainerName() {
        Map<String, Deployment> byName = new LinkedHashMap<>();
        for (Deployment d : records.live()) {
            byName.merge(d.containerName(), d, (a, b) -> a.createdAt().isAfter(b.createdAt()) ? a : b);
        }
        return byName;
    }

    /** The result of a task; its own failure (a domain error, say) is thrown as it was. */
    private static <T> T await(Future<T> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }
}
