import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves each folder of examples/ as a read-only Git repository over smart HTTP on 127.0.0.1, for
 * scripts/run-local: http://127.0.0.1:PORT/NAME.git. Before each clone or fetch the folder as it is
 * on disk becomes the repository's branch main (a new commit only when a file changed), so an edited
 * example is deployed as edited. The Git protocol is git's own http-backend; pushes are refused.
 *
 * Run: java scripts/ExamplesGitServer.java EXAMPLES_DIR REPOSITORIES_DIR PORT
 */
public class ExamplesGitServer {

    private static final Pattern PATH = Pattern.compile("^/([A-Za-z0-9][A-Za-z0-9_.-]*)\\.git(/.*)$");
    private static final int MAX_BODY = 16 << 20;

    private final Path examples;
    private final Path repositories;

    ExamplesGitServer(Path examples, Path repositories) {
        this.examples = examples;
        this.repositories = repositories;
    }

    public static void main(String[] args) throws IOException {
        ExamplesGitServer git = new ExamplesGitServer(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath());
        Files.createDirectories(git.repositories);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[2])), 16);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange) {
                git.handle(exchange);
            } catch (Exception e) {
                System.err.println("examples git server: " + exchange.getRequestURI().getPath() + ": " + e.getMessage());
            }
        });
        server.start();
    }

    void handle(HttpExchange exchange) throws IOException, InterruptedException {
        Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
        if (!m.matches() || m.group(2).contains("/..") || !Files.isDirectory(examples.resolve(m.group(1)))) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        String name = m.group(1);
        if (m.group(2).equals("/info/refs")) snapshot(name);
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            exchange.sendResponseHeaders(413, -1);
            return;
        }
        ProcessBuilder cgi = new ProcessBuilder("git", "http-backend").redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = cgi.environment();
        env.put("GIT_PROJECT_ROOT", repositories.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("PATH_INFO", "/" + name + ".git" + m.group(2));
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
        env.put("CONTENT_LENGTH", Integer.toString(body.length));
        env.put("REMOTE_ADDR", "127.0.0.1");
        header(exchange, "Content-Type").ifPresent(v -> env.put("CONTENT_TYPE", v));
        header(exchange, "Content-Encoding").ifPresent(v -> env.put("HTTP_CONTENT_ENCODING", v));
        header(exchange, "Git-Protocol").ifPresent(v -> env.put("GIT_PROTOCOL", v));
        Process backend = cgi.start();
        try (OutputStream in = backend.getOutputStream()) {
            in.write(body);
        }
        InputStream out = backend.getInputStream();
        int status = 200;
        for (String line = readLine(out); !line.isEmpty(); line = readLine(out)) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String field = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (field.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                exchange.getResponseHeaders().add(field, value);
            }
        }
        exchange.sendResponseHeaders(status, 0);
        try (OutputStream response = exchange.getResponseBody()) {
            out.transferTo(response);
        }
        backend.waitFor();
    }

    /** Makes the example's files as they are now the tip of main, committing only when they changed. */
    synchronized void snapshot(String name) throws IOException, InterruptedException {
        Path repo = repositories.resolve(name + ".git");
        if (!Files.isDirectory(repo)) {
            git(repo, "init", "--bare", "--quiet");
            git(repo, "symbolic-ref", "HEAD", "refs/heads/main");
        }
        Path workTree = examples.resolve(name);
        git(repo, "--work-tree=" + workTree, "add", "--all", ".");
        String tree = git(repo, "write-tree");
        String parent = gitOrEmpty(repo, "rev-parse", "--verify", "--quiet", "refs/heads/main");
        if (!parent.isEmpty() && gitOrEmpty(repo, "rev-parse", parent + "^{tree}").equals(tree)) return;
        List<String> commit = new ArrayList<>(List.of("commit-tree", tree, "-m", "examples/" + name));
        if (!parent.isEmpty()) commit.addAll(List.of("-p", parent));
        git(repo, "update-ref", "refs/heads/main", git(repo, commit.toArray(String[]::new)));
    }

    private static String git(Path repo, String... args) throws IOException, InterruptedException {
        Result result = run(repo, args);
        if (result.exit != 0) throw new IOException("git " + String.join(" ", args) + ": " + result.output);
        return result.output;
    }

    private static String gitOrEmpty(Path repo, String... args) throws IOException, InterruptedException {
        Result result = run(repo, args);
        return result.exit == 0 ? result.output : "";
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path repo, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "--git-dir=" + repo));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("GIT_INDEX_FILE", repo.resolve("snapshot-index").toString());
        env.putAll(Map.of("GIT_AUTHOR_NAME", "run-local", "GIT_AUTHOR_EMAIL", "run-local@localhost",
                "GIT_COMMITTER_NAME", "run-local", "GIT_COMMITTER_EMAIL", "run-local@localhost"));
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new Result(process.waitFor(), output);
    }

    private static java.util.Optional<String> header(HttpExchange exchange, String name) {
        return java.util.Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
