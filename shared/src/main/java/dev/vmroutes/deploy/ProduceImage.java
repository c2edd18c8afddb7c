package dev.vmroutes.deploy;

import dev.vmroutes.docker.BuildLog;
import dev.vmroutes.docker.Images;
import dev.vmroutes.git.CloneSpec;
import dev.vmroutes.git.RepoCloner;
import dev.vmroutes.image.BuildContext;
import dev.vmroutes.image.DockerfileGenerator;
import dev.vmroutes.image.ImageSpec;
import dev.vmroutes.store.BuildLogs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * The image a deploy runs. The server is asked for the branch's commit first ({@link #identify});
 * an image of that repository, commit and settings is reused without fetching anything, else
 * ({@link #build}) the branch is fetched at depth 1 and the image built from it. Each agent holds its own tag on the image
 * ({@code vm-routes-agent:<identity>-<agent>}), so agents share an image while each agent's
 * retention removes only its own tag, and the engine deletes the image with the last one.
 */
record ProduceImage(Images images, BuildLogs buildLogs, java.util.function.Predicate<DeployRun> cancelRequested) {

    static final String IMAGE_REPOSITORY = "vm-routes-agent";

    /** The image a deploy runs: its commit, its tag, and whether it existed already. */
    record AgentImage(String commit, String tag, boolean reused) {
    }

    /**
     * Asks the server for the branch's commit and looks for an image of it (phase {@code clone});
     * nothing is fetched yet.
     */
    AgentImage identify(DeployRun run, RepoCloner.Remote remote, CloneSpec source, ImageSpec spec) {
        return run.phase("clone", () -> {
            String commit = remote.headCommit();
            run.commit(commit);
            String identity = identity(source.repoUrl().url(), commit, spec);
            return new AgentImage(commit, tag(identity, run.agent()), reuse(identity, run.agent()));
        });
    }

    /** The image, built unless it exists: the branch fetched at depth 1 (phase {@code clone}), the context written, the build. */
    AgentImage build(DeployRun run, RepoCloner.Remote remote, CloneSpec source, ImageSpec spec, AgentImage identified) {
        if (identified.reused()) return identified;
        AgentImage image = run.phase("clone", () -> {
            String fetched = remote.fetch();
            if (fetched.equals(identified.commit())) return identified;
            // The branch moved between the two calls: the image is of what was fetched.
            run.commit(fetched);
            String movedIdentity = identity(source.repoUrl().url(), fetched, spec);
            return new AgentImage(fetched, tag(movedIdentity, run.agent()), reuse(movedIdentity, run.agent()));
        });
        if (image.reused()) return image;
        BuildLogWriter output = new BuildLogWriter(buildLogs, run.record().id(), run.redactor());
        try {
            run.phase("build", () -> build(remote, image, spec, output, () -> cancelRequested.test(run)));
        } finally {
            output.flush();
        }
        return image;
    }

    /**
     * Builds while the context is written: the tar goes from the fetched objects through a pipe
     * into the build request, so the upload starts with the first file, and nothing is checked
     * out or stored on disk.
     */
    private void build(RepoCloner.Remote remote, AgentImage image, ImageSpec spec, BuildLogWriter output,
                       java.util.function.BooleanSupplier cancelled) {
        CompletableFuture<Void> writing;
        try (PipedInputStream context = new PipedInputStream(1 << 20)) {
            PipedOutputStream out = new PipedOutputStream(context);
            long pids = images.bounds().buildPids();
            writing = CompletableFuture.runAsync(() -> writeContext(remote, image.commit(), spec, pids, out), Thread::startVirtualThread);
            try {
                images.build(context, DockerfileGenerator.FILE_NAME, image.tag(), new BuildLog(output), cancelled);
            } catch (RuntimeException buildFailed) {
                throw writerFailure(writing).orElse(buildFailed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pass the build context on", e);
        }
        writerFailure(writing).ifPresent(e -> {
            throw e;
        });
    }

    /** Why writing the context failed, if it did: that is the cause of whatever the build then reported. */
    private static java.util.Optional<RuntimeException> writerFailure(CompletableFuture<Void> writing) {
        try {
            writing.get(10, java.util.concurrent.TimeUnit.SECONDS);
            return java.util.Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            return java.util.Optional.of(e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause()));
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            writing.cancel(true);
            return java.util.Optional.empty();
        }
    }

    /**
     * The context straight from the fetched objects: nothing is checked out. Only a complete
     * context is closed: on a failure the pipe is left unclosed, so the build reads an error
     * (its writer gone), never a context that merely ends early.
     */
    private static void writeContext(RepoCloner.Remote remote, String commit, ImageSpec spec, long buildPids, OutputStream out) {
        try {
            BuildContext context = BuildContext.to(out);
            remote.eachFile(commit, new RepoCloner.FileVisitor() {
                @Override
                public void file(String path, boolean executable, long size, InputStream content) throws IOException {
                    context.file(path, executable, size, content);
                }

                @Override
                public void link(String path, String target) throws IOException {
                    context.link(path, target);
                }
            });
            // The commit fixes the tree, and so whether it has requirements.txt.
            context.finish(DockerfileGenerator.generate(spec, remote.hasFile(commit, "requirements.txt"), buildPids));
            context.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the build context", e);
        }
    }

    /** Whether the agent's tag of this identity exists, or can be put on another agent's image of it. */
    private boolean reuse(String identity, String agent) {
        String tag = tag(identity, agent);
        if (images.exists(tag)) return true;
        return images.findByReference(IMAGE_REPOSITORY + ":" + identity + "-*")
                .map(imageId -> {
                    try {
                        images.tag(imageId, tag);
                        return true;
                    } catch (com.github.dockerjava.api.exception.NotFoundException removedMeanwhile) {
                        return false;
                    }
                })
                .orElse(false);
    }

    /**
     * Images are named by what determines them: the repository, the commit and the settings the
     * Dockerfile is written from. The repository is part of it, so a server that claims another
     * repository's commit never gets that repository's image.
     */
    static String identity(String repoUrl, String commit, ImageSpec spec) {
        String identity = normalise(repoUrl) + "\n" + commit + "\n" + DockerfileGenerator.generate(spec, false);
        return sha256(identity).substring(0, 32);
    }

    /** The agent's own tag of an image (agent names fit a tag's characters and length). */
    static String tag(String identity, String agent) {
        return IMAGE_REPOSITORY + ":" + identity + "-" + agent;
    }

    private static String normalise(String repoUrl) {
        String url = repoUrl.strip();
        while (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        if (url.endsWith(".git")) url = url.substring(0, url.length() - 4);
        return url.toLowerCase(java.util.Locale.ROOT);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
