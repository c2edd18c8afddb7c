package dev.vmroutes.deploy;

import dev.vmroutes.api.Redactor;
import dev.vmroutes.store.BuildLogs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Writes a build's output to the build logs as it comes, redacted: a chunk every 16 KiB or every
 * second, and what is left when the build ends. A write that fails is logged, never the build's failure.
 */
final class BuildLogWriter implements Consumer<String> {

    private static final Logger LOG = LoggerFactory.getLogger(BuildLogWriter.class);
    private static final int MAX_LINE = 8 * 1024;
    private static final long FLUSH_EVERY_NANOS = 1_000_000_000L;

    private final BuildLogs logs;
    private final String deploymentId;
    private final Redactor redactor;
    private final StringBuilder buffer = new StringBuilder();
    private int seq;
    private long offset;
    private long lastFlush = System.nanoTime();

    BuildLogWriter(BuildLogs logs, String deploymentId, Redactor redactor) {
        this.logs = logs;
        this.deploymentId = deploymentId;
        this.redactor = redactor;
    }

    @Override
    public synchronized void accept(String line) {
        // Redacted whole before any cut, so a secret that straddles the cut leaves no part of itself.
        String redacted = redactor.redact(line);
        buffer.append(redacted.length() > MAX_LINE ? redacted.substring(0, MAX_LINE) + " …" : redacted).append('\n');
        if (buffer.length() >= BuildLogs.CHUNK_CHARS || System.nanoTime() - lastFlush >= FLUSH_EVERY_NANOS) flush();
    }

    synchronized void flush() {
        lastFlush = System.nanoTime();
        if (buffer.isEmpty()) return;
        String text = buffer.toString();
        buffer.setLength(0);
        try {
            logs.append(deploymentId, new BuildLogs.Chunk(seq, offset, text));
        } catch (RuntimeException e) {
            LOG.warn("could not store build output of deployment {}: {}", deploymentId, Redactor.describe(e));
        }
        seq++;
        offset += text.length();
    }
}
