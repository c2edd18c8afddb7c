package dev.vmroutes.store;

import java.util.List;

/**
 * Deployments' build output, kept apart from their records (a list or a sweep never reads it):
 * written in chunks as the build goes, and only the last {@link #KEPT_CHUNKS} of them kept, about
 * the last 256 KiB of a build.
 */
public interface BuildLogs {

    int KEPT_CHUNKS = 16;
    int CHUNK_CHARS = 16 * 1024;

    /** One piece of a build's output: its number, where it starts in the whole output, and its text (redacted). */
    record Chunk(int seq, long offset, String text) {
    }

    /** Stores chunk {@code seq} and forgets chunk {@code seq - KEPT_CHUNKS}. */
    void append(String deploymentId, Chunk chunk);

    /** The chunks kept of a deployment's build output, oldest first. */
    List<Chunk> read(String deploymentId);
}
