package dev.vmroutes.store;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The local run's build output: a file of its own beside the records, chunk by chunk. */
public final class EmbeddedBuildLogs implements BuildLogs, AutoCloseable {

    private final MVStore store;
    private final MVMap<String, String> chunks;

    public EmbeddedBuildLogs(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new DeploymentStore.StoreUnavailableException("cannot create " + file.getParent(), e);
        }
        this.store = new MVStore.Builder().fileName(file.toString()).open();
        this.chunks = store.openMap("chunks");
    }

    private static String key(String deploymentId, int seq) {
        return deploymentId + "#" + String.format("%09d", seq);
    }

    @Override
    public synchronized void append(String deploymentId, Chunk chunk) {
        chunks.put(key(deploymentId, chunk.seq()), chunk.offset() + "\n" + chunk.text());
        if (chunk.seq() >= KEPT_CHUNKS) chunks.remove(key(deploymentId, chunk.seq() - KEPT_CHUNKS));
    }

    @Override
    public synchronized List<Chunk> read(String deploymentId) {
        List<Chunk> kept = new ArrayList<>();
        for (String k = chunks.ceilingKey(deploymentId + "#"); k != null && k.startsWith(deploymentId + "#"); k = chunks.higherKey(k)) {
            String value = chunks.get(k);
            int newline = value.indexOf('\n');
            kept.add(new Chunk(Integer.parseInt(k.substring(k.lastIndexOf('#') + 1)), Long.parseLong(value.substring(0, newline)),
                    value.substring(newline + 1)));
        }
        return kept;
    }

    @Override
    public void close() {
        store.close();
    }
}
