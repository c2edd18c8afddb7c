package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Agent images on the engine: whether one exists, and building one from a context tar.
 *
 * @param buildDocker a client whose responses may stream for as long as a build takes
 */
public record Images(DockerClient docker, DockerClient buildDocker, Duration buildTimeout) {

    private static final Logger LOG = LoggerFactory.getLogger(Images.class);

    public boolean exists(String tag) {
        return EngineErrors.call(() -> {
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
        return EngineErrors.call(() -> docker.listImagesCmd().withReferenceFilter(reference).exec())
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
     * Builds {@code tag} from the context, following it in {@code log}. On failure the layers the
     * build made are removed and a {@link BuildFailedException} carries the log's last lines (not yet redacted).
     */
    public void build(InputStream context, String dockerfile, String tag, BuildLog log) {
        try {
            buildDocker.buildImageCmd(context)
                    .withDockerfilePath(dockerfile)
                    .withTags(Set.of(tag))
                    .withPull(false)
                    .withRemove(true)
                    .withForcerm(true)
                    .exec(log);
            log.awaitImageId(buildTimeout.toSeconds(), TimeUnit.SECONDS);
        } catch (DockerClientException | DockerException e) {
            removeLayers(log.layerImages());
            String tail = log.tail();
            throw new BuildFailedException(tail.isBlank() ? EngineErrors.message(e) : tail);
        } catch (RuntimeException e) {
            removeLayers(log.layerImages());
            throw EngineErrors.asUnavailable(e).<RuntimeException>map(u -> u).orElse(e);
        }
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

    /** A build the engine ran and that failed; the message is the build's last lines, still to be redacted. */
    public static final class BuildFailedException extends RuntimeException {
        public BuildFailedException(String message) {
            super(message, null, false, false);
        }
    }
}
