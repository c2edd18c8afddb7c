package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A container's output as the engine kept it, running or exited: stdout and stderr lines with
 * their times, newest last, at most {@code maxBytes} of text (the oldest lines are dropped first).
 */
public record ContainerLogs(DockerClient docker, Duration timeout) {

    /** The lines read, and whether older ones were dropped to stay within the size cap. */
    public record Lines(List<Results.LogLine> lines, boolean truncated) {
    }

    public Lines read(String containerId, int tail, Instant since, int maxBytes) {
        return read(since, maxBytes, collector -> {
            var command = docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true)
                    .withTimestamps(true).withTail(tail);
            if (since != null) command.withSince((int) since.getEpochSecond());
            return command.exec(collector);
        });
    }

    /**
     * Output in the engine's multiplexed form (8-byte frame headers: stream, then length), as a
     * Swarm service's logs come; with details, each line names its task and node (by id).
     */
    public Lines parse(byte[] multiplexed, Instant since, int maxBytes) {
        Collector collector = new Collector(since, maxBytes);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(multiplexed);
        while (in.remaining() >= 8) {
            StreamType stream = in.get() == 2 ? StreamType.STDERR : StreamType.STDOUT;
            in.position(in.position() + 3);
            int length = Math.min(in.getInt(), in.remaining());
            byte[] payload = new byte[length];
            in.get(payload);
            collector.onNext(new Frame(stream, payload));
        }
        return new Lines(collector.lines.stream()
                .sorted(Comparator.comparing(Results.LogLine::time, Comparator.nullsLast(Comparator.naturalOrder()))).toList(),
                collector.truncated);
    }

    private Lines read(Instant since, int maxBytes, java.util.function.Function<Collector, Collector> start) {
        Collector collector = new Collector(since, maxBytes);
        boolean completed = EngineErrors.call(() -> {
            try (Collector running = start.apply(collector)) {
                return running.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (IOException e) {
                return true; // closing a finished stream
            }
        });
        if (collector.failure != null) throw collector.failure;
        if (!completed) {
            throw VmException.unavailable("Docker engine", "the container's logs did not arrive within " + timeout.toSeconds() + " s", null);
        }
        // The engine may send the two streams slightly out of order: newest last by the times it wrote.
        List<Results.LogLine> lines = collector.lines.stream()
                .sorted(Comparator.comparing(Results.LogLine::time, Comparator.nullsLast(Comparator.naturalOrder()))).toList();
        return new Lines(lines, collector.truncated);
    }

    private static final class Collector extends ResultCallback.Adapter<Frame> {
        private final Instant since;
        private final int maxBytes;
        private final Deque<Results.LogLine> lines = new ArrayDeque<>();
        private long bytes;
        private boolean truncated;
        private RuntimeException failure;

        Collector(Instant since, int maxBytes) {
            this.since = since;
            this.maxBytes = maxBytes;
        }

        @Override
        public synchronized void onNext(Frame frame) {
            String stream = frame.getStreamType() == StreamType.STDERR ? "stderr" : "stdout";
            String payload = new String(frame.getPayload(), StandardCharsets.UTF_8);
            for (String line : payload.split("\n")) {
                if (!line.isEmpty()) add(stream, line);
            }
        }

        private void add(String stream, String line) {
            // With timestamps on, every line starts with its RFC 3339 time and a space.
            int space = line.indexOf(' ');
            Instant time = null;
            String text = line;
            if (space > 0) {
                try {
                    time = Instant.parse(line.substring(0, space));
                    text = line.substring(space + 1);
                } catch (DateTimeParseException notATime) {
                    // keep the whole line as text
                }
            }
            if (since != null && time != null && time.isBefore(since)) return;
            String task = null;
            String node = null;
            // A service's lines carry their details first: com.docker.swarm.node.id=...,com.docker.swarm.service.id=...,...
            if (text.startsWith("com.docker.swarm.")) {
                int end = text.indexOf(' ');
                String details = end < 0 ? text : text.substring(0, end);
                text = end < 0 ? "" : text.substring(end + 1);
                for (String pair : details.split(",")) {
                    if (pair.startsWith("com.docker.swarm.task.id=")) task = pair.substring(pair.indexOf('=') + 1);
                    if (pair.startsWith("com.docker.swarm.node.id=")) node = pair.substring(pair.indexOf('=') + 1);
                }
            }
            lines.addLast(new Results.LogLine(stream, time, text, task, node));
            bytes += text.length();
            while (bytes > maxBytes && !lines.isEmpty()) {
                bytes -= lines.removeFirst().text().length();
                truncated = true;
            }
        }

        @Override
        public void onError(Throwable error) {
            RuntimeException e = error instanceof RuntimeException r ? r : new IllegalStateException(error);
            failure = EngineErrors.asUnavailable(e).<RuntimeException>map(u -> u).orElse(e);
            super.onError(error);
        }
    }
}
