package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.vmroutes.api.Tracing;
import dev.vmroutes.api.Deadline;
import dev.vmroutes.config.Bounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Agent images on the engine: whether one exists, and building one from a context tar.
 *
 * @param buildDocker  a client whose responses may stream for as long as a build takes
 * @param buildNetwork the network a build's steps run on; null: the engine's default
 * @param bounds       what a build step may take: memory (no swap), shared memory, CPUs (given as {@link #cpuQuery})
 *                     and processes (in the Dockerfile: the build API has no pids limit)
 */
public record Images(DockerClient docker, DockerClient buildDocker, Duration buildTimeout, String buildNetwork, String pipIndexUrl,
                     Bounds bounds) {

    private static final long CPU_PERIOD_US = 100_000;
    /** A build step's shared memory: the engine's default, set so it stays that. */
    private static final long BUILD_SHM_BYTES = 64L << 20;

    /** The engine's build parameters for the CPU bound, for {@link DockerClients#createForBuilds}; null: none. */
    public static String cpuQuery(Bounds bounds) {
        if (bounds.buildCpuMillis() <= 0) return null;
        return "cpuperiod=" + CPU_PERIOD_US + "&cpuquota=" + bounds.buildCpuMillis() * CPU_PERIOD_US / 1000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(Images.class);
    private static final Duration CANCEL_CHECK = Duration.ofSeconds(1);

    public boolean exists(String tag) {
        return EngineErrors.read(() -> {
            try {
                docker.inspectImageCmd(tag).exec();
                return true;
            } catch (NotFoundException e) {
                return false;
            }
        });
    }

    /** The id of an image with a tag matching {@code reference} (a pattern such as {@code repo:prefix-*}), if any. */
    public java.util.Optional<String> findByReference(String reference) {
        return EngineErrors.read(() -> docker.listImagesCmd().withReferenceFilter(reference).exec())
                .stream().map(com.github.dockerjava.api.model.Image::getId).findFirst();
    }

    /** Adds {@code tag} ({@code repository:tag}) to an image. */
    public void tag(String imageId, String tag) {
        int colon = tag.lastIndexOf(':');
        EngineErrors.run(() -> docker.tagImageCmd(imageId, tag.substring(0, colon), tag.substring(colon + 1)).exec());
    }

    /**
     * Removes an image by tag, with the layers only it used; an image a container uses is kept.
     *
     * @return whether it is gone
     */
    public boolean remove(String tag) {
        return EngineErrors.call(() -> {
            try {
                docker.removeImageCmd(tag).withForce(false).withNoPrune(false).exec();
                return true;
            } catch (NotFoundException alreadyGone) {
                return true;
            } catch (com.github.dockerjava.api.exception.ConflictException inUse) {
                LOG.info("kept image {}: {}", tag, EngineErrors.message(inUse));
                return false;
            }
        });
    }

    /**
     * Tags the local image {@code tag} in {@code repository} and pushes it from the build engine,
     * with the registry's credentials; returns what every node pulls: {@code repository@sha256:...}.
     */
    public String push(String tag, String repository, com.github.dockerjava.api.model.AuthConfig auth) {
        String remoteTag = tag.substring(tag.lastIndexOf(':') + 1);
        EngineErrors.run(() -> buildDocker.tagImageCmd(tag, repository, remoteTag).withForce().exec());
        String[] digest = new String[1];
        String[] error = new String[1];
        var push = buildDocker.pushImageCmd(repository).withTag(remoteTag);
        if (auth != null) push.withAuthConfig(auth);
        try (var callback = new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.PushResponseItem>() {
            @Override
            public void onNext(com.github.dockerjava.api.model.PushResponseItem item) {
                if (item.getAux() != null && item.getAux().getDigest() != null) digest[0] = item.getAux().getDigest();
                if (item.getErrorDetail() != null) error[0] = item.getErrorDetail().getMessage();
                else if (item.getError() != null) error[0] = item.getError();
            }
        }) {
            EngineErrors.run(() -> {
                try {
                    if (!push.exec(callback).awaitCompletion(Deadline.cap(buildTimeout).toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new DockerClientException("the push of " + repository + ":" + remoteTag + " did not finish in time");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DockerClientException("interrupted while pushing " + repository + ":" + remoteTag);
                }
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (error[0] != null) throw new DockerClientException("the registry refused " + repository + ":" + remoteTag + ": " + error[0]);
        if (digest[0] == null) throw new DockerClientException("the push of " + repository + ":" + remoteTag + " named no digest");
        return repository + "@" + digest[0];
    }

    /**
     * Builds {@code tag} from the context, following it in {@code log}. On failure the layers the
     * build made are removed and a {@link BuildFailedException} carries the log's last lines (not yet
     * redacted). A build still running at its timeout (or the request's deadline) is stopped: its
     * stream is closed, which makes the engine cancel it, and what it made is removed.
     */
    public void build(InputStream context, String dockerfile, String tag, BuildLog log, BooleanSupplier cancelled) {
        // docker-java streams the build from a thread of its own, outside the trace: the whole build is the subsegment.
        Tracing.subsegment("docker POST /build", () -> {
            buildStreamed(context, dockerfile, tag, log, cancelled);
            return null;
        });
    }

    private void buildStreamed(InputStream context, String dockerfile, String tag, BuildLog log, BooleanSupplier cancelled) {
        Duration limit = Deadline.cap(buildTimeout);
        long until = System.nanoTime() + limit.toNanos();
        try {
            var command = buildDocker.buildImageCmd(context)
                    .withDockerfilePath(dockerfile)
                    .withTags(Set.of(tag))
                    .withPull(false)
                    .withRemove(true)
                    .withForcerm(true);
            if (buildNetwork != null) command.withNetworkMode(buildNetwork);
            if (bounds.buildMemoryBytes() > 0) command.withMemory(bounds.buildMemoryBytes()).withMemswap(bounds.buildMemoryBytes());
            command.withShmsize(BUILD_SHM_BYTES);
            if (pipIndexUrl != null) {
                command.withBuildArg("PIP_INDEX_URL", pipIndexUrl);
                // pip skips an index over plain HTTP unless its host is trusted.
                if (pipIndexUrl.startsWith("http://")) command.withBuildArg("PIP_TRUSTED_HOST", java.net.URI.create(pipIndexUrl).getHost());
            }
            command.exec(log);
            // A second at a time, so a cancel is seen while the build runs.
            while (!finishes(log, Duration.ofNanos(Math.max(0, Math.min(until - System.nanoTime(), CANCEL_CHECK.toNanos()))))) {
                if (cancelled.getAsBoolean()) {
                    stop(log);
                    throw new BuildCancelledException();
                }
                if (Thread.currentThread().isInterrupted() || System.nanoTime() >= until) {
                    stop(log);
                    throw new BuildFailedException("the build did not finish within " + Math.max(1, limit.toSeconds())
                            + " s and was stopped");
                }
            }
            log.awaitImageId(1, TimeUnit.SECONDS);
        } catch (BuildFailedException | BuildCancelledException e) {
            throw e;
        } catch (DockerClientException | DockerException e) {
            LOG.info("build of {} failed: {}", tag, e.getMessage());
            stop(log);
            String tail = log.tail();
            throw new BuildFailedException(tail.isBlank() ? EngineErrors.message(e) : tail);
        } catch (RuntimeException e) {
            stop(log);
            throw EngineErrors.asUnavailable(e).<RuntimeException>map(u -> u).orElse(e);
        }
    }

    /** Whether the build ends within {@code limit}; an interrupt (the request's deadline) counts as not, and stays set. */
    private static boolean finishes(BuildLog log, Duration limit) {
        try {
            return log.ended(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes the build's stream (the engine cancels a build whose client is gone) and removes the layers it made. */
    private void stop(BuildLog log) {
        // The cleanup must run even when the deadline interrupted the build.
        Thread.interrupted();
        try {
            log.close();
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("closing the build stream: {}", e.getMessage());
        }
        // A step still running holds its layer: its container goes first.
        for (String container : log.stepContainers()) {
            try {
                docker.removeContainerCmd(container).withForce(true).exec();
            } catch (NotFoundException alreadyRemoved) {
                // the engine removed it
            } catch (RuntimeException e) {
                LOG.warn("could not remove build step container {}: {}", container, e.getMessage());
            }
        }
        removeLayers(log.layerImages());
    }

    /** Removes the untagged layers a failed build left; layers other images still use are refused by the engine and kept. */
    private void removeLayers(List<String> layers) {
        List<String> newestFirst = new ArrayList<>(layers);
        Collections.reverse(newestFirst);
        for (String layer : newestFirst) {
            try {
                var inspected = docker.inspectImageCmd(layer).exec();
                if (inspected.getRepoTags() == null || inspected.getRepoTags().isEmpty()) {
                    docker.removeImageCmd(layer).withForce(false).exec();
                }
            } catch (RuntimeException e) {
                LOG.debug("kept layer {}: {}", layer, e.getMessage());
            }
        }
    }

    /** A build stopped because its deployment was cancelled. */
    public static final class BuildCancelledException extends RuntimeException {
        public BuildCancelledException() {
            super("the build was cancelled and stopped", null, false, false);
        }
    }

    /** A build the engine ran and that failed; the message is the build's last lines, still to be redacted. */
    public static final class BuildFailedException extends RuntimeException {
        public BuildFailedException(String message) {
            super(message, null, false, false);
        }
    }
}
