package dev.vmroutes.git;

import dev.vmroutes.api.Tracing;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.treewalk.TreeWalk;

import dev.vmroutes.api.Deadline;
import java.time.Duration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads and shallow-fetches one branch with JGit. Credentials live only in this call: the token goes
 * through a credentials provider (never into the URL or {@code .git/config}), the SSH key is read
 * from its file by a session factory made for this clone and closed after it.
 */
public final class RepoCloner {

    private final int timeoutSeconds;
    private final Path knownHosts;
    private final long maxBytes;

    /** @param knownHosts an OpenSSH known_hosts file SSH servers must be listed in; null accepts any host key */
    public RepoCloner(int timeoutSeconds, Path knownHosts) {
        this(timeoutSeconds, knownHosts, 0);
    }

    /** @param maxBytes what a fetch may bring onto the disk; past it the fetch is stopped (0: no cap) */
    public RepoCloner(int timeoutSeconds, Path knownHosts, long maxBytes) {
        this.timeoutSeconds = timeoutSeconds;
        this.knownHosts = knownHosts;
        this.maxBytes = maxBytes;
    }

    /**
     * Prepares an empty repository in {@code dir} for the spec's remote: no credentials in
     * its config, redirects off. Close it to release the SSH session factory.
     *
     * @throws CloneFailedException with a message naming what went wrong (not yet redacted)
     */
    public Remote open(CloneSpec request, Path dir) {
        SshdSessionFactory sshFactory = request.repoUrl().ssh()
                ? SshSessions.factory(knownHosts, request.sshKeyPath(), request.sshKey(), dir.resolveSibling("ssh-home")) : null;
        // Asking for the branch's commit needs no repository on disk: an in-memory one holds the remote and its settings.
        InMemoryRepository asking = new InMemoryRepository(new DfsRepositoryDescription("ls-remote"));
        configure(asking.getConfig(), request);
        return new Remote(asking, dir, request, sshFactory);
    }

    /** The remote's URL, and no redirects: a server that redirects cannot send Git anywhere else. */
    private static void configure(StoredConfig config, CloneSpec request) {
        config.setString("remote", "origin", "url", request.repoUrl().url());
        config.setString("http", null, "followRedirects", "false");
    }

    /** What {@link Remote#eachFile} hands each file of a commit to. */
    public interface FileVisitor {
        void file(String path, boolean executable, long size, InputStream content) throws IOException;

        void link(String path, String target) throws IOException;
    }

    /** One remote branch, seen from a local repository that holds nothing secret. */
    public final class Remote implements AutoCloseable {

        private final InMemoryRepository asking;
        private final Path dir;
        private final CloneSpec request;
        private final SshdSessionFactory sshFactory;
        private final String branchRef;
        /** The repository the branch is fetched into, made on the first fetch. */
        private Git git;

        private Remote(InMemoryRepository asking, Path dir, CloneSpec request, SshdSessionFactory sshFactory) {
            this.asking = asking;
            this.dir = dir;
            this.request = request;
            this.sshFactory = sshFactory;
            this.branchRef = "refs/heads/" + request.branch();
        }

        private Git local() throws GitAPIException, IOException {
            if (git == null) {
                git = Git.init().setDirectory(dir.toFile()).setInitialBranch(request.branch()).call();
                StoredConfig config = git.getRepository().getConfig();
                configure(config, request);
                config.save();
            }
            return git;
        }

        /** The branch's commit, asked of the server without fetching anything. */
        public String headCommit() {
            return Tracing.subsegment("git ls-remote", () -> withinDeadline(this::askHeadCommit));
        }

        private String askHeadCommit() {
            try {
                return Git.wrap(asking).lsRemote().setRemote("origin").setHeads(true).setTimeout(readTimeout())
                        .setCredentialsProvider(credentials(request))
                        .setTransportConfigCallback(transportConfig(sshFactory, request))
                        .call().stream()
                        .filter(ref -> ref.getName().equals(branchRef) && ref.getObjectId() != null)
                        .map(ref -> ref.getObjectId().name())
                        .findFirst()
                        .orElseThrow(() -> new CloneFailedException("branch '" + request.branch() + "' not found"));
            } catch (GitAPIException | JGitInternalException e) {
                throw new CloneFailedException(describe(e, request.branch()));
            }
        }

        /**
         * Fetches the branch at depth 1 (nothing is checked out: the files are read from the
         * objects, see {@link #eachFile}).
         *
         * @return the commit fetched (the branch may have moved since {@link #headCommit()})
         */
        public String fetch() {
            // Within the deadline the fetch runs on a virtual thread: the cap's interrupt closes its connection.
            return Tracing.subsegment("git fetch", () -> withinDeadline(() -> SizeCap.watch(dir, maxBytes, this::fetchBranch)));
        }

        private String fetchBranch() {
            try {
                FetchResult result = local().fetch()
                        .setRemote("origin")
                        .setRefSpecs(new RefSpec("+" + branchRef + ":refs/remotes/origin/" + request.branch()))
                        .setDepth(1)
                        .setTagOpt(TagOpt.NO_TAGS)
                        .setTimeout(readTimeout())
                        .setCredentialsProvider(credentials(request))
                        .setTransportConfigCallback(transportConfig(sshFactory, request))
                        .call();
                Ref fetched = result.getAdvertisedRef(branchRef);
                if (fetched == null || fetched.getObjectId() == null) {
                    throw new CloneFailedException("branch '" + request.branch() + "' not found");
                }
                return fetched.getObjectId().name();
            } catch (GitAPIException | IOException | JGitInternalException e) {
                throw new CloneFailedException(describe(e, request.branch()));
            }
        }

        /** Whether the commit's tree holds a regular file at {@code path}. */
        public boolean hasFile(String commit, String path) throws IOException {
            Repository repository = git.getRepository();
            try (RevWalk walk = new RevWalk(repository);
                 TreeWalk found = TreeWalk.forPath(repository, path, walk.parseCommit(ObjectId.fromString(commit)).getTree())) {
                return found != null && (found.getFileMode(0).getBits() & FileMode.TYPE_MASK) == FileMode.TYPE_FILE;
            }
        }

        /**
         * Every file of the commit, in tree order, as Git holds it: names exactly as committed,
         * the executable bit, symbolic links as links. Submodules are not fetched, so left out.
         */
        public void eachFile(String commit, FileVisitor visitor) throws IOException {
            Repository repository = git.getRepository();
            try (RevWalk walk = new RevWalk(repository); TreeWalk tree = new TreeWalk(repository);
                 ObjectReader reader = repository.newObjectReader()) {
                tree.addTree(walk.parseCommit(ObjectId.fromString(commit)).getTree());
                tree.setRecursive(true);
                while (tree.next()) {
                    FileMode mode = tree.getFileMode(0);
                    if (mode == FileMode.GITLINK) continue;
                    ObjectLoader blob = reader.open(tree.getObjectId(0), Constants.OBJ_BLOB);
                    if (mode == FileMode.SYMLINK) {
                        visitor.link(tree.getPathString(), new String(blob.getCachedBytes(), StandardCharsets.UTF_8));
                    } else {
                        try (InputStream content = blob.openStream()) {
                            visitor.file(tree.getPathString(), mode == FileMode.EXECUTABLE_FILE, blob.getSize(), content);
                        }
                    }
                }
            }
        }

        @Override
        public void close() {
            asking.close();
            if (git != null) git.close();
            if (sshFactory != null) sshFactory.close();
        }
    }

    /**
     * A Git call has one total deadline (the Git timeout, or less when the request's deadline comes
     * sooner): a server that trickles its answer is cut off when it passes, not waited for.
     */
    private String withinDeadline(java.util.function.Supplier<String> call) {
        Duration limit = Deadline.cap(Duration.ofSeconds(timeoutSeconds));
        try {
            return Deadline.interruptAfter(limit, call);
        } catch (Deadline.Exceeded e) {
            throw new CloneFailedException("the Git server did not answer within " + Math.max(1, limit.toSeconds()) + " s");
        }
    }

    /** JGit's timeout is per read, in whole seconds, and 0 would mean none. */
    private int readTimeout() {
        return (int) Math.max(1, Deadline.cap(Duration.ofSeconds(timeoutSeconds)).toSeconds());
    }

    private static String describe(Exception e, String branch) {
        String message = String.valueOf(e.getMessage());
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && message.length() < 400) message = message + ": " + t.getMessage();
        }
        if (message.contains("Remote does not have") || message.contains("not found in upstream")) {
            return "branch '" + branch + "' not found";
        }
        return message;
    }

    private static CredentialsProvider credentials(CloneSpec request) {
        return request.authToken() == null ? null : new UsernamePasswordCredentialsProvider("x-access-token", request.authToken());
    }

    /** SSH through the key's session factory; over HTTPS the token goes with the first request, not after a 401. */
    private static TransportConfigCallback transportConfig(SshdSessionFactory sshFactory, CloneSpec request) {
        return transport -> {
            if (transport instanceof TransportHttp http && request.authToken() != null) {
                http.setPreemptiveBasicAuthentication("x-access-token", request.authToken());
            }
            if (transport instanceof SshTransport ssh) {
                if (sshFactory == null) throw new IllegalStateException("SSH transport without a session factory");
                ssh.setSshSessionFactory(sshFactory);
            }
        };
    }

    /** A clone that did not succeed; the message may still contain secrets and must be redacted. */
    public static final class CloneFailedException extends RuntimeException {
        public CloneFailedException(String message) {
            super(message, null, false, false);
        }
    }
}
