package dev.vmroutes.functions.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.image.DockerfileGenerator;
import dev.vmroutes.image.ImageSpec;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.RealSizedRepo;
import dev.vmroutes.testing.TokenGitServer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deploy through the API (the local server, over HTTP) against the same done by hand
 * ({@code git clone --depth=1}, {@code docker build}, {@code docker run} with the same container
 * settings, wait until the port answers) on the same engine, for two repositories: a tiny agent (two files) and one shaped like
 * a real Python project ({@link RealSizedRepo}: about 1,000 files, 9 MB). Both sides wait for the
 * port the same way: an HTTP GET of {@code 127.0.0.1:<port>/} every 10 ms, where any HTTP answer
 * counts. Every first deploy, by hand or not, builds a commit of its own, so neither reuses the
 * other's layers; the unchanged redeploy follows its first deploy directly and reuses its image.
 * The API's steps are the {@code phases} of its answer; the steps by hand are timed around each
 * command. Then, with the first deploy running: the same deploy again, which finds it unchanged and
 * healthy and answers without touching it; and a forced redeploy of the same image, which starts a
 * second container, waits until it answers and retires the first, against the same by hand
 * ({@code docker run} of the image, wait until the port answers, {@code docker rm -f} of the first).
 * Prints a table of medians per repository. Run through scripts/bench-deploy.
 */
public final class DeployBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String TOKEN = "bench-token";
    /** How often both sides try the published port: the API's readiness wait tries it every 10 ms. */
    static final Duration POLL_EVERY = Duration.ofMillis(10);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    static final String DOCKERFILE = DockerfileGenerator.generate(new ImageSpec("3.11", 8080, List.of("python", "main.py"), false), false);

    /** A repository under test: its name on the Git server, the agent it deploys as, and how to give it a new commit. */
    record Subject(String name, String title, String agent, String size, Double target, Committer committer) {
    }

    @FunctionalInterface
    interface Committer {
        String commit(Map<String, String> files) throws Exception;
    }

    /** Milliseconds by step name, one value per round. */
    static final class Samples {
        final Map<String, List<Double>> values = new LinkedHashMap<>();

        void add(String step, double ms) {
            values.computeIfAbsent(step, k -> new ArrayList<>()).add(ms);
        }

        double median(String step) {
            List<Double> v = values.get(step);
            if (v == null || v.isEmpty()) return Double.NaN;
            List<Double> sorted = v.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    /** What one repository's rounds measured. */
    static final class Results {
        final Samples api = new Samples();
        final Samples hand = new Samples();
        final Samples redeploy = new Samples();
        final Samples replace = new Samples();
        final Samples handReplace = new Samples();
        final Samples ratios = new Samples();
        int rounds;
    }

    /** Where the table goes; everything else (progress, the Git server's log) goes to stderr. */
    static PrintStream out = System.out;

    public static void main(String[] args) throws Exception {
        System.setOut(System.err);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("bench-deploy");
        System.err.println("generating the real-sized repository...");
        AgentRepo tiny = AgentRepo.httpAgent(dir, "agent");
        RealSizedRepo real = RealSizedRepo.create(dir, "project");
        LocalServer server = LocalServer.start(dir);
        int port = server.port();
        List<Subject> subjects = List.of(
                new Subject("agent", "tiny repository", "bench-tiny", "2 files, under 1 KB", 1.15, tiny::commit),
                new Subject("project", "real-sized repository", "bench-real",
                        String.format(Locale.ROOT, "%,d files, %.1f MB", real.fileCount(), real.treeBytes() / 1e6), 1.0, real::commit));
        Map<Subject, Results> results = new LinkedHashMap<>();
        try (TokenGitServer git = new TokenGitServer(TOKEN)) {
            git.serve("agent", tiny.repository());
            git.serve("project", real.repository());
            awaitServer(port);
            // The network the API puts agents on, for the runs by hand too (the API makes it on its first deploy).
            try {
                run(List.of("docker", "network", "inspect", "jules-isolated"));
            } catch (IllegalStateException missing) {
                run(List.of("docker", "network", "create", "--label", "jules.managed=true",
                        "-o", "com.docker.network.bridge.enable_icc=false", "jules-isolated"));
            }
            for (Subject subject : subjects) {
                results.put(subject, measure(subject, git, port, dir, rounds));
            }
        } finally {
            server.close();
            // Keep only the server's log: the repositories, their work trees and the server's store go.
            try (var children = Files.list(dir)) {
                for (Path child : children.filter(p -> !p.getFileName().toString().equals("server.log")).toList()) deleteTree(child);
            } catch (IOException e) {
                System.err.println("could not clean " + dir + ": " + e.getMessage());
            }
            System.err.println("the local server's log: " + dir.resolve("server.log"));
        }
        out.printf("%nDeploy through the API against the same by hand: %d rounds per repository, medians in ms%n", rounds);
        out.println("(same engine behind mutual TLS, same Git server; both sides poll the port with an HTTP GET every "
                + POLL_EVERY.toMillis() + " ms)");
        results.forEach(DeployBench::print);
        summary(results);
    }

    static Results measure(Subject subject, TokenGitServer git, int port, Path dir, int rounds) throws Exception {
        Results results = new Results();
        results.rounds = rounds;
        for (int round = 1; round <= rounds; round++) {
            // Alternate which goes first; the redeploy always follows its first deploy directly.
            Map<String, Double> byHand = null;
            if (round % 2 == 1) {
                subject.committer().commit(Map.of("round.txt", "hand " + round + " " + System.nanoTime()));
                byHand = byHand(subject, git, dir, round, results.handReplace);
            }
            subject.committer().commit(Map.of("round.txt", "api " + round + " " + System.nanoTime()));
            Deploy first = viaApi(port, git, subject, false);
            if (first.reused()) throw new IllegalStateException("a first deploy reused an image: " + first.image());
            Deploy again = viaApi(port, git, subject, false);
            if (!again.unchanged()) throw new IllegalStateException("the same deploy again was not found unchanged");
            Deploy replaced = viaApi(port, git, subject, true);
            if (replaced.replaced() != 1 || !replaced.reused()) throw new IllegalStateException("the forced redeploy did not replace");
            if (round % 2 == 0) {
                subject.committer().commit(Map.of("round.txt", "hand " + round + " " + System.nanoTime()));
                byHand = byHand(subject, git, dir, round, results.handReplace);
            }
            byHand.forEach(results.hand::add);
            first.steps().forEach(results.api::add);
            again.steps().forEach(results.redeploy::add);
            replaced.steps().forEach(results.replace::add);
            results.ratios.add("first", first.steps().get("total") / byHand.get("total"));
            results.ratios.add("replace", replaced.steps().get("total") / results.handReplace.values.get("total").getLast());
            System.err.printf(Locale.ROOT, "%s, round %d: by hand %.0f ms, API %.0f ms, unchanged redeploy %.0f ms, replace %.0f ms "
                            + "(by hand %.0f ms)%n", subject.title(), round, byHand.get("total"), first.steps().get("total"),
                    again.steps().get("total"), replaced.steps().get("total"), results.handReplace.values.get("total").getLast());
            cleanUp(port, subject.agent(), List.of(first.image()));
        }
        return results;
    }

    /**
     * The same as a deploy, by hand: clone at depth 1 into the context's source directory, write
     * the same Dockerfile beside it, build, run, wait until the port answers.
     */
    static Map<String, Double> byHand(Subject subject, TokenGitServer git, Path dir, int round, Samples replaces) throws Exception {
        Path context = dir.resolve("hand-" + subject.name() + "-" + round);
        Path tree = context.resolve(DockerfileGenerator.SOURCE_DIR);
        String tag = "bench-hand:" + subject.name() + "-" + round + "-" + System.nanoTime();
        Map<String, Double> steps = new LinkedHashMap<>();
        long start = System.nanoTime();
        run(List.of("git", "-c", "http.extraHeader=Authorization: Basic " + Base64.getEncoder()
                .encodeToString(("x-access-token:" + TOKEN).getBytes()), "clone", "-q", "--depth=1", "--branch", "main",
                git.url(subject.name()), tree.toString()));
        long cloned = System.nanoTime();
        Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
        Files.writeString(context.resolve(".dockerignore"), DockerfileGenerator.SOURCE_DIR + "/.git\n");
        run(List.of("docker", "build", "-q", "-t", tag, context.toString()));
        long built = System.nanoTime();
        Run first = runAndAwait(tag);
        long end = System.nanoTime();
        steps.put("clone", ms(cloned - start));
        steps.put("build", ms(built - cloned));
        steps.put("run", ms(first.runNanos()));
        steps.put("ready", ms(first.readyNanos()));
        steps.put("total", ms(end - start));
        // What an unchanged redeploy checks, by hand: the branch's commit, the running container, its answer.
        long checkStart = System.nanoTime();
        run(List.of("git", "-c", "http.extraHeader=Authorization: Basic " + Base64.getEncoder()
                .encodeToString(("x-access-token:" + TOKEN).getBytes()), "ls-remote", git.url(subject.name()), "refs/heads/main"));
        run(List.of("docker", "inspect", first.container()));
        answers(first.port());
        replaces.add("check", ms(System.nanoTime() - checkStart));
        // A replace by hand: the same image run again, wait until it answers, then remove the first container.
        long replaceStart = System.nanoTime();
        Run second = runAndAwait(tag);
        long removeStart = System.nanoTime();
        run(List.of("docker", "rm", "-f", first.container()));
        long replaced = System.nanoTime();
        replaces.add("run", ms(second.runNanos()));
        replaces.add("ready", ms(second.readyNanos()));
        replaces.add("remove", ms(replaced - removeStart));
        replaces.add("total", ms(replaced - replaceStart));
        List<String> remove = new ArrayList<>(List.of("docker", "rm", "-f"));
        remove.addAll(List.of(run(List.of("docker", "ps", "-aq", "--filter", "label=bench=hand")).strip().split("\\s+")));
        run(remove);
        run(List.of("docker", "rmi", "-f", tag));
        deleteTree(tree);
        return steps;
    }

    /** A container started by hand: its id, the time of {@code docker run -d}, then of {@code docker port} and the wait until the port answers. */
    record Run(String container, int port, long runNanos, long readyNanos) {
    }

    /**
     * {@code docker run -d} with what the API gives every agent container: the same isolated network, init,
     * capabilities, privileges, resources, read-only root with its /tmp, log cap and loopback-only port.
     */
    static List<String> handRun(String tag) {
        return List.of("docker", "run", "-d", "--label", "bench=hand", "-p", "127.0.0.1::8080",
                "--network", "jules-isolated", "--init", "--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE",
                "--security-opt", "no-new-privileges:true", "--memory", "512m", "--memory-swap", "512m", "--cpus", "1",
                "--pids-limit", "256", "--read-only", "--tmpfs", "/tmp:rw,nosuid,nodev,size=" + (1L << 30), "--log-driver", "json-file", "--log-opt", "max-size=10m", "--log-opt", "max-file=3", tag);
    }

    static Run runAndAwait(String tag) throws Exception {
        long start = System.nanoTime();
        String container = run(handRun(tag)).strip();
        long started = System.nanoTime();
        String mapped = run(List.of("docker", "port", container, "8080/tcp")).lines().findFirst().orElseThrow().strip();
        int port = Integer.parseInt(mapped.substring(mapped.lastIndexOf(':') + 1));
        awaitAnswer(port);
        return new Run(container, port, started - start, System.nanoTime() - started);
    }

    /**
     * One deploy through the API: its steps in ms (the phases it reports, "other" and "total"), its image, whether
     * it was reused, whether the deploy found it all unchanged, and how many containers it replaced.
     */
    record Deploy(Map<String, Double> steps, String image, boolean reused, boolean unchanged, int replaced) {
    }

    static Deploy viaApi(int port, TokenGitServer git, Subject subject, boolean force) throws Exception {
        String body = JSON.createObjectNode().put("repo_url", git.url(subject.name())).put("agent_name", subject.agent())
                .put("auth_token", TOKEN).put("force", force).toString();
        long start = System.nanoTime();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/deploy"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        double total = ms(System.nanoTime() - start);
        JsonNode deployed = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"running".equals(deployed.path("status").asText())) {
            throw new IllegalStateException("deploy failed: " + response.body());
        }
        Map<String, Double> steps = new LinkedHashMap<>();
        double phases = 0;
        for (JsonNode phase : deployed.path("phases")) {
            double duration = phase.path("duration_ms").asDouble();
            steps.merge(phase.path("phase").asText(), duration, Double::sum);
            phases += duration;
        }
        // What no phase covers: the request and its answer over HTTP, validation, the first table write.
        if (!steps.isEmpty()) steps.put("other", total - phases);
        steps.put("total", total);
        return new Deploy(steps, deployed.path("image").asText(), deployed.path("image_reused").asBoolean(),
                deployed.path("unchanged").asBoolean(), deployed.path("replaced").size());
    }

    /** Stops and removes the agent's containers, then removes the images they ran (outside any timing). */
    static void cleanUp(int port, String agent, List<String> images) throws Exception {
        JsonNode rows = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode row : rows) {
            if (!agent.equals(row.path("agent_name").asText())) continue;
            HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/stop"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                            .put("container_name", row.get("container_name").asText()).put("remove", true).toString()))
                    .build(), HttpResponse.BodyHandlers.discarding());
        }
        for (String image : images) {
            if (image.isBlank()) continue;
            try {
                run(List.of("docker", "rmi", image));
            } catch (IllegalStateException stillUsed) {
                System.err.println("kept " + image + ": " + stillUsed.getMessage().strip());
            }
        }
    }

    static void awaitServer(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/list")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the local server did not start");
    }

    /**
     * Tries {@code GET http://127.0.0.1:<port>/} every {@link #POLL_EVERY} until any HTTP answer comes, as the API's
     * readiness wait does (a refused or reset connection, or one closed before an answer, is "not yet").
     */
    static void awaitAnswer(int hostPort) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!answers(hostPort)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("port " + hostPort + " never answered");
            Thread.sleep(POLL_EVERY);
        }
    }

    static boolean answers(int hostPort) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + hostPort + "/").toURL().openConnection(Proxy.NO_PROXY);
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(5000);
            connection.setUseCaches(false);
            connection.setRequestProperty("Connection", "close");
            return connection.getResponseCode() > 0;
        } catch (IOException notYet) {
            return false;
        } finally {
            if (connection != null) connection.disconnect();
        }
    }

    static String run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_BUILDKIT", "0");
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command.subList(0, 2)) + " failed: " + out);
        return out;
    }

    static void deleteTree(Path tree) throws IOException {
        try (var paths = Files.walk(tree)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    // --- output -------------------------------------------------------------------------------

    static final String ROW = "  %-36s %8s    %-40s %8s%n";

    static void print(Subject subject, Results r) {
        out.printf("%n%s (%s)%n", subject.title(), subject.size());
        out.printf(ROW, "API phase", "ms", "by hand", "ms");
        out.printf(ROW, "-".repeat(36), "-".repeat(8), "-".repeat(40), "-".repeat(8));
        out.printf(ROW, "clone (ls-remote + shallow fetch)", num(r.api.median("clone")),
                "clone (git clone --depth=1)", num(r.hand.median("clone")));
        out.printf(ROW, "build (context streamed + docker build)", num(r.api.median("build")),
                "build (docker build, context included)", num(r.hand.median("build")));
        out.printf(ROW, "start (container create + start)", num(r.api.median("start")),
                "run (docker run -d)", num(r.hand.median("run")));
        out.printf(ROW, "ready (until the port answers)", num(r.api.median("ready")),
                "ready (docker port + poll)", num(r.hand.median("ready")));
        out.printf(ROW, "record (final table write)", num(r.api.median("record")), "", "");
        out.printf(ROW, "other (outside every phase) *", num(r.api.median("other")), "", "");
        out.printf(ROW, "total", num(r.api.median("total")), "total", num(r.hand.median("total")));
        double ratio = r.ratios.median("first");
        out.printf(Locale.ROOT, "  first deploy, API / by hand: %.2fx (median of the per-round ratios; of the median totals %.2fx)%s%n",
                ratio, r.api.median("total") / r.hand.median("total"),
                subject.target() == null ? "" : String.format(Locale.ROOT, "; target <= %.2fx: %s", subject.target(),
                        ratio <= subject.target() ? "met" : "NOT met"));
        double unchanged = r.redeploy.median("total");
        out.printf(Locale.ROOT, "  unchanged redeploy (running and healthy, left alone): %s ms (clone %s, compare %s, other %s); "
                        + "target <= 50 ms: %s%n", num(unchanged), num(r.redeploy.median("clone")), num(r.redeploy.median("compare")),
                num(r.redeploy.median("other")), unchanged <= 50 ? "met" : "NOT met");
        out.printf(Locale.ROOT, "    by hand, the same check (git ls-remote + docker inspect + GET of the port): %s ms%n",
                num(r.handReplace.median("check")));
        out.printf(Locale.ROOT, "  replace (force: true, image reused): API %s ms (clone %s, start %s, ready %s, record %s, replace %s, "
                        + "prune %s, other %s)%n", num(r.replace.median("total")), num(r.replace.median("clone")),
                num(r.replace.median("start")), num(r.replace.median("ready")), num(r.replace.median("record")),
                num(r.replace.median("replace")), num(r.replace.median("prune")), num(r.replace.median("other")));
        double replaceRatio = r.ratios.median("replace");
        out.printf(Locale.ROOT, "    by hand %s ms (docker run %s, ready %s, docker rm -f %s); API / by hand: %.2fx "
                        + "(median of the per-round ratios); target <= 1.10x: %s%n", num(r.handReplace.median("total")),
                num(r.handReplace.median("run")), num(r.handReplace.median("ready")), num(r.handReplace.median("remove")),
                replaceRatio, replaceRatio <= 1.10 ? "met" : "NOT met");
    }

    static void summary(Map<Subject, Results> results) {
        out.printf("%nsummary (medians, ms)%n");
        out.printf("  %-24s %10s %10s %14s %18s %14s%n", "repository", "API", "by hand", "API / by hand", "unchanged redeploy",
                "replace ratio");
        results.forEach((s, r) -> out.printf(Locale.ROOT, "  %-24s %10s %10s %13.2fx %18s %13.2fx%n", s.title(),
                num(r.api.median("total")), num(r.hand.median("total")), r.ratios.median("first"), num(r.redeploy.median("total")),
                r.ratios.median("replace")));
        out.println("* other: the API's answer time outside every phase: the request and its answer over HTTP, validation,");
        out.println("  the first table write, and making and deleting the deploy's temporary workspace (checkout, context tar);");
        out.println("  by hand, deleting the checkout is not timed.");
    }

    static String num(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.0f", ms);
    }
}
