package dev.vmroutes.functions.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.DeployRequest;
import dev.vmroutes.api.RepoUrl;
import dev.vmroutes.image.DockerfileGenerator;
import dev.vmroutes.manager.ContainerLimits;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TokenGitServer;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A deploy through the API (the local server, over HTTP) against the same done by hand
 * ({@code git clone --depth=1}, {@code docker build}, {@code docker run}, wait until the port
 * answers) on the same engine and repository, in one run; and an unchanged redeploy against the
 * first deploy. Every first deploy, by hand or not, builds a commit of its own, so neither reuses
 * the other's layers. Run through scripts/bench-deploy.
 */
public final class DeployBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String TOKEN = "bench-token";

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path root = Path.of(System.getProperty("vmroutes.root", "."));
        Path dir = Files.createTempDirectory("bench-deploy");
        AgentRepo repo = AgentRepo.httpAgent(dir, "agent");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ProcessBuilder serverCommand = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", root.resolve("functions/target/vm-routes-functions-1.0.0-SNAPSHOT-local.jar").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        serverCommand.environment().putAll(Map.of("PORT", Integer.toString(port), "VM_DATA_DIR", dir.resolve("data").toString(),
                "VM_GIT_ALLOWED_HOSTS", "127.0.0.1"));
        Process server = serverCommand.start();
        List<Double> firstRatios = new ArrayList<>();
        List<Double> redeployRatios = new ArrayList<>();
        List<Long> hand = new ArrayList<>();
        List<Long> api = new ArrayList<>();
        List<Long> redeploy = new ArrayList<>();
        try (TokenGitServer git = new TokenGitServer(TOKEN)) {
            git.serve("agent", repo.repository());
            awaitServer(port);
            String dockerfile = DockerfileGenerator.generate(new DeployRequest(new RepoUrl(git.url("agent"), false, "127.0.0.1"),
                    "main", "bench", null, null, null, null, null, "3.11", 8080, List.of("python", "main.py"), Map.of(),
                    ContainerLimits.fromEnvironment(Map.of())), false);
            for (int round = 1; round <= rounds; round++) {
                // Alternate which goes first; the redeploy always follows its first deploy directly.
                long byHand = 0;
                if (round % 2 == 1) {
                    repo.commit(Map.of("round.txt", "hand " + round + " " + System.nanoTime()));
                    byHand = byHand(git, dir, dockerfile, round);
                }
                repo.commit(Map.of("round.txt", "api " + round + " " + System.nanoTime()));
                long viaApi = viaApi(port, git);
                Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 10); // one container name per agent and second
                long again = viaApi(port, git);
                if (round % 2 == 0) {
                    repo.commit(Map.of("round.txt", "hand " + round + " " + System.nanoTime()));
                    byHand = byHand(git, dir, dockerfile, round);
                }
                hand.add(byHand);
                api.add(viaApi);
                redeploy.add(again);
                firstRatios.add((double) viaApi / byHand);
                redeployRatios.add((double) again / viaApi);
                System.err.printf("round %d: by hand %d ms, API %d ms, unchanged redeploy %d ms%n",
                        round, byHand / 1_000_000, viaApi / 1_000_000, again / 1_000_000);
                cleanUp(port);
            }
        } finally {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
        System.out.printf("by hand (clone + build + run + port answers): median %d ms%n", median(hand) / 1_000_000);
        System.out.printf("first deploy through the API:                 median %d ms%n", median(api) / 1_000_000);
        System.out.printf("unchanged redeploy through the API:           median %d ms%n", median(redeploy) / 1_000_000);
        System.out.printf("first deploy / by hand: median ratio %.2f (target <= 1.15)%n", medianOf(firstRatios));
        System.out.printf("unchanged redeploy / first deploy: median ratio %.2f (target < 0.3)%n", medianOf(redeployRatios));
        System.out.printf("by hand, the same image run again (docker run + port answers): median %d ms; unchanged redeploy / that: %.2f%n",
                median(handReruns) / 1_000_000, (double) median(redeploy) / median(handReruns));
        System.out.printf("%d rounds, same engine (mutual TLS) and repository%n", rounds);
    }

    static long byHand(TokenGitServer git, Path dir, String dockerfile, int round) throws Exception {
        Path tree = dir.resolve("hand-" + round);
        String tag = "bench-hand:" + round + "-" + System.nanoTime();
        long start = System.nanoTime();
        run(List.of("git", "-c", "http.extraHeader=Authorization: Basic " + java.util.Base64.getEncoder()
                .encodeToString(("x-access-token:" + TOKEN).getBytes()), "clone", "-q", "--depth=1", "--branch", "main",
                git.url("agent"), tree.toString()));
        Files.writeString(tree.resolve("Dockerfile"), dockerfile);
        Files.writeString(tree.resolve(".dockerignore"), ".git\n");
        run(List.of("docker", "build", "-q", "-t", tag, tree.toString()));
        runAndAwait(tag);
        long elapsed = System.nanoTime() - start;
        // The floor of any redeploy that starts a new container: the same image, run again by hand.
        long rerunStart = System.nanoTime();
        runAndAwait(tag);
        handReruns.add(System.nanoTime() - rerunStart);
        List<String> remove = new ArrayList<>(List.of("docker", "rm", "-f"));
        remove.addAll(List.of(run(List.of("docker", "ps", "-aq", "--filter", "label=bench=hand")).strip().split("\\s+")));
        run(remove);
        return elapsed;
    }

    static final List<Long> handReruns = new ArrayList<>();

    static void runAndAwait(String tag) throws Exception {
        String container = run(List.of("docker", "run", "-d", "--label", "bench=hand", "-p", "127.0.0.1::8080", tag)).strip();
        String mapped = run(List.of("docker", "port", container, "8080/tcp")).lines().findFirst().orElseThrow().strip();
        awaitAnswer(Integer.parseInt(mapped.substring(mapped.lastIndexOf(':') + 1)));
    }

    static long viaApi(int port, TokenGitServer git) throws Exception {
        String body = JSON.createObjectNode().put("repo_url", git.url("agent")).put("agent_name", "bench-api")
                .put("auth_token", TOKEN).toString();
        long start = System.nanoTime();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/deploy"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        long elapsed = System.nanoTime() - start;
        JsonNode deployed = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"running".equals(deployed.path("status").asText())) {
            throw new IllegalStateException("deploy failed: " + response.body());
        }
        return elapsed;
    }

    static void cleanUp(int port) throws Exception {
        JsonNode rows = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode row : rows) {
            if (!"bench-api".equals(row.path("agent_name").asText())) continue;
            HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/stop"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"container_name\": \"" + row.get("container_name").asText() + "\"}"))
                    .build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    static void awaitServer(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/list")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the local server did not start");
    }

    /** Polls the published port until the service answers HTTP, as a person with curl in a loop would. */
    static void awaitAnswer(int hostPort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("port " + hostPort + " never answered");
    }

    static String run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_BUILDKIT", "0");
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command.subList(0, 2)) + " failed: " + out);
        return out;
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static double medianOf(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
