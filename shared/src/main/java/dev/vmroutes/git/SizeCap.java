package dev.vmroutes.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A fetch watched while it writes: once what it wrote under its directory passes the cap, the
 * fetching thread is interrupted (on a virtual thread, that closes its connection, whatever the
 * transport) and the fetch fails in {@code clone} with the reason.
 */
final class SizeCap {

    private static final long EVERY_MS = 20;

    private SizeCap() {
    }

    static <T> T watch(Path dir, long maxBytes, Supplier<T> fetch) {
        if (maxBytes <= 0) return fetch.get();
        Thread fetching = Thread.currentThread();
        AtomicBoolean tooLarge = new AtomicBoolean();
        Thread watch = Thread.ofVirtual().start(() -> {
            try {
                while (!tooLarge.get()) {
                    if (sizeOf(dir) > maxBytes && tooLarge.compareAndSet(false, true)) fetching.interrupt();
                    Thread.sleep(EVERY_MS);
                }
            } catch (InterruptedException done) {
                // the fetch ended
            }
        });
        try {
            T fetched = fetch.get();
            if (!tooLarge.get() && sizeOf(dir) <= maxBytes) return fetched;
            tooLarge.set(true);
        } catch (RuntimeException e) {
            if (!tooLarge.get()) throw e;
        } finally {
            watch.interrupt();
        }
        Thread.interrupted();
        throw new RepoCloner.CloneFailedException("the repository is larger than " + (maxBytes >> 20)
                + " MB (VM_MAX_REPO_MB): the fetch was stopped");
    }

    private static long sizeOf(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (var files = Files.walk(dir)) {
            return files.mapToLong(f -> {
                try {
                    return Files.isRegularFile(f) ? Files.size(f) : 0;
                } catch (IOException goneMeanwhile) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException goneMeanwhile) {
            return 0;
        }
    }
}
