package dev.vmroutes.testing;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A bare Git repository holding a small Python agent, made with JGit. The default agent serves
 * {@code /health} (JSON with the GREETING variable, status HEALTH_CODE or 200), {@code /slow} (sleeps 30 s) and 404 elsewhere.
 */
public final class AgentRepo {

    public static final String HTTP_AGENT = String.join("\n",
            "import http.server, json, os, sys, time",
            "class Handler(http.server.BaseHTTPRequestHandler):",
            "    def do_GET(self):",
            "        if self.path == '/health':",
            "            body = json.dumps({'status': 'ok', 'greeting': os.environ.get('GREETING')}).encode()",
            "            self.send_response(int(os.environ.get('HEALTH_CODE', '200')))",
            "            self.send_header('Content-Type', 'application/json')",
            "        elif self.path == '/slow':",
            "            time.sleep(30)",
            "            body = b'late'",
            "            self.send_response(200)",
            "        elif self.path == '/text':",
            "            body = b'plain words'",
            "            self.send_response(200)",
            "        else:",
            "            body = b'not here'",
            "            self.send_response(404)",
            "        self.send_header('Content-Length', str(len(body)))",
            "        self.end_headers()",
            "        self.wfile.write(body)",
            "    def log_message(self, *args):",
            "        pass",
            "print('agent listening', flush=True)",
            "http.server.ThreadingHTTPServer(('0.0.0.0', int(os.environ.get('PORT', '8080'))), Handler).serve_forever()",
            "");

    /**
     * An agent that runs {@code startup} (Python statements, one per line), then answers every GET
     * on port 8080 with 200 and the bytes {@code body} (a Python expression) evaluates to.
     */
    public static String answering(String body, String... startup) {
        List<String> lines = new java.util.ArrayList<>(List.of("import http.server, time"));
        lines.addAll(List.of(startup));
        lines.addAll(List.of(
                "class Handler(http.server.BaseHTTPRequestHandler):",
                "    def do_GET(self):",
                "        body = " + body,
                "        self.send_response(200)",
                "        self.send_header('Content-Length', str(len(body)))",
                "        self.end_headers()",
                "        self.wfile.write(body)",
                "    def log_message(self, *args):",
                "        pass",
                "http.server.ThreadingHTTPServer(('0.0.0.0', 8080), Handler).serve_forever()",
                ""));
        return String.join("\n", lines);
    }

    private final Path bareDir;
    private final Repository repository;

    private AgentRepo(Path bareDir, Repository repository) {
        this.bareDir = bareDir;
        this.repository = repository;
    }

    /** A bare repository whose {@code main} branch holds {@code files}. */
    public static AgentRepo create(Path parent, String name, Map<String, String> files) throws Exception {
        Path bare = parent.resolve(name + ".git");
        Path work = parent.resolve(name + "-work");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        try (Git git = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(work.toFile()).call()) {
            commit(git, work, files, "agent");
            git.push().setRemote("origin").add("HEAD:refs/heads/main").call();
        }
        Repository repository = Git.open(bare.toFile()).getRepository();
        return new AgentRepo(bare, repository);
    }

    public static AgentRepo httpAgent(Path parent, String name) throws Exception {
        return create(parent, name, Map.of("main.py", HTTP_AGENT, "README.md", "agent " + name + "\n"));
    }

    /** Adds a commit on main and returns its SHA. */
    public String commit(Map<String, String> files) throws Exception {
        Path work = bareDir.resolveSibling(bareDir.getFileName() + "-" + System.nanoTime());
        try (Git git = Git.cloneRepository().setURI(bareDir.toUri().toString()).setDirectory(work.toFile()).call()) {
            RevCommit c = commit(git, work, files, "change");
            git.push().setRemote("origin").add("HEAD:refs/heads/main").call();
            return c.name();
        }
    }

    /** Adds a commit on main holding symbolic links (path: target) and returns its SHA. */
    public String commitLinks(Map<String, String> links) throws Exception {
        Path work = bareDir.resolveSibling(bareDir.getFileName() + "-" + System.nanoTime());
        try (Git git = Git.cloneRepository().setURI(bareDir.toUri().toString()).setDirectory(work.toFile()).call()) {
            for (var link : links.entrySet()) {
                Path at = work.resolve(link.getKey());
                Files.createDirectories(at.getParent());
                Files.createSymbolicLink(at, Path.of(link.getValue()));
            }
            RevCommit c = commit(git, work, Map.of(), "links");
            git.push().setRemote("origin").add("HEAD:refs/heads/main").call();
            return c.name();
        }
    }

    private static RevCommit commit(Git git, Path work, Map<String, String> files, String message) throws Exception {
        for (var entry : files.entrySet()) {
            Path file = work.resolve(entry.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, entry.getValue());
        }
        git.add().addFilepattern(".").call();
        return git.commit().setMessage(message).setAuthor("test", "test@example.invalid")
                .setCommitter("test", "test@example.invalid").setSign(false).call();
    }

    public Repository repository() {
        return repository;
    }

    public String head() throws IOException {
        return repository.resolve("refs/heads/main").name();
    }
}
