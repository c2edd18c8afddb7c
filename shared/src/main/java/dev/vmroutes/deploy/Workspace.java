package dev.vmroutes.deploy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A deploy's temporary directory (the checkout, the SSH home, the context tar), deleted when
 * closed: in the background, so the deploy's answer does not wait for a thousand files to go.
 */
final class Workspace implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);

    private final Path path;

    private Workspace(Path path) {
        this.path = path;
    }

    static Workspace create() {
        try {
            return new Workspace(Files.createTempDirectory("vm-routes-deploy-"));
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary space", e);
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        Thread.ofVirtual().name("vm-workspace-cleanup").start(this::delete);
    }

    private void delete() {
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("could not delete {}", p);
                }
            });
        } catch (IOException e) {
            LOG.warn("could not clean {}", path);
        }
    }
}
