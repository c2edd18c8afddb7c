package dev.vmroutes.functions.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TokenGitServer;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A batch deploy of ten agents (POST /api/v1/vm/batch/deploy) against the same ten deploys sent
 * one after another (POST /api/v1/vm/deploy, each waiting for the one before), on the local
 * server, from the same repository and commit: its image is built once beforehand, so both sides
 * reuse it and the work is what every agent needs, a container started and ready. Fresh agent
 * names every round, so no deploy finds its agent unchanged; the two sides alternate which goes
 * first. The engine's own floor is measured in the same rounds: ten {@code docker run -d} of the
 * same image one after another against the same ten, four at a time. Run through scripts/bench-batch.
 */
public final class BatchBench {

    static final int AGENTS = 10;

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out; // the table; everything else (progress, the Git server's log) goes to stderr
        System.setOut(System.err);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("bench-batch");
        AgentRepo repo = AgentRepo.httpAgent(dir, "agent");
        LocalServer server = LocalServer.start(dir);
        int port = server.port();
        DeployBench.Samples samples = new DeployBench.Samples();
        try (TokenGitServer git = new TokenGitServer(DeployBench.TOKEN)) {
            git.serve("agent", repo.repository());
            DeployBench.awaitServer(port);
            // Build the image once; every deploy below reuses it.
            post(port, "/api/v1/vm/deploy", body(git, "bench-batch-warm-up"));
            for (int round = 1; round <= rounds; round++) {
                double one = 0, all = 0;
                for (int side = 0; side < 2; side++) {
                    boolean batchSide = (round + side) % 2 == 0;
                    String prefix = "bench-" + (batchSide ? "b" : "s") + round + "-";
                    long start = System.nanoTime();
                    if (batchSide) {
                        ObjectNode request = DeployBench.JSON.createObjectNode();
                        ArrayNode items = request.putArray("deployments");
                        for (int i = 0; i < AGENTS; i++) items.add(body(git, prefix + i));
                        JsonNode answer = post(port, "/api/v1/vm/batch/deploy", request);
                        for (JsonNode item : answer.get("results")) {
                            if (item.get("status").asInt() != 200) throw new IllegalStateException("batch item failed: " + item);
                        }
                        all = DeployBench.ms(System.nanoTime() - start);
                    } else {
                        for (int i = 0; i < AGENTS; i++) post(port, "/api/v1/vm/deploy", body(git, prefix + i));
                        one = DeployBench.ms(System.nanoTime() - start);
                    }
                    stopAll(port, prefix);
                }
                samples.add("sequential", one);
                samples.add("batch", all);
                samples.add("ratio", all / one);
                double floor = engineFloor();
                samples.add("floor", floor);
                System.err.printf(Locale.ROOT, "round %d: %d deploys one after another %.0f ms, one batch %.0f ms (%.2fx); "
                        + "the engine alone, 4 at a time against one after another: %.2fx%n", round, AGENTS, one, all, all / one, floor);
            }
            stopAll(port, "bench-batch-warm-up");
        } finally {
            server.close();
        }
        out.printf(Locale.ROOT, "%nBatch deploy of %d agents (same repository and commit, image reused, "
                        + "VM_BATCH_CONCURRENCY default 4) against %d single deploys one after another: %d rounds, medians%n",
                AGENTS, AGENTS, rounds);
        out.printf(Locale.ROOT, "  one after another %.0f ms, one batch %.0f ms; batch / one after another %.2fx "
                + "(median of the per-round ratios); target <= 0.50x: %s%n", samples.median("sequential"), samples.median("batch"),
                samples.median("ratio"), samples.median("ratio") <= 0.5 ? "met" : "NOT met");
        out.printf(Locale.ROOT, "  the engine's floor: %d x docker run -d, 4 at a time against one after another: %.2fx "
                + "(median); the engine starts containers largely one at a time on this machine%n", AGENTS, samples.median("floor"));
        out.println("  the local server's log: " + dir.resolve("server.log"));
    }

    /** Ten containers of the base image started by hand, four at a time, against one after another: the engine's own speed-up. */
    static double engineFloor() throws Exception {
        List<String> run = List.of("docker", "run", "-d", "--init", "--label", "bench=floor", "-p", "127.0.0.1::8080",
                "python:3.11-slim", "python", "-c", "import time; time.sleep(600)");
        long start = System.nanoTime();
        for (int i = 0; i < AGENTS; i++) DeployBench.run(run);
        double oneByOne = DeployBench.ms(System.nanoTime() - start);
        removeFloorContainers();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        start = System.nanoTime();
        List<java.util.concurrent.Future<String>> started = new ArrayList<>();
        for (int i = 0; i < AGENTS; i++) started.add(pool.submit(() -> DeployBench.run(run)));
        for (var f : started) f.get();
        double fourAtATime = DeployBench.ms(System.nanoTime() - start);
        pool.shutdown();
        removeFloorContainers();
        return fourAtATime / oneByOne;
    }

    static void removeFloorContainers() throws Exception {
        List<String> remove = new ArrayList<>(List.of("docker", "rm", "-f"));
        remove.addAll(List.of(DeployBench.run(List.of("docker", "ps", "-aq", "--filter", "label=bench=floor")).strip().split("\\s+")));
        DeployBench.run(remove);
    }

    static ObjectNode body(TokenGitServer git, String agent) {
        return DeployBench.JSON.createObjectNode().put("repo_url", git.url("agent")).put("agent_name", agent)
                .put("auth_token", DeployBench.TOKEN);
    }

    static JsonNode post(int port, String path, JsonNode body) throws Exception {
        HttpResponse<String> response = DeployBench.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        return DeployBench.JSON.readTree(response.body());
    }

    /** Removes every container of the agents whose names start with {@code prefix}, in one batch stop (outside any timing). */
    static void stopAll(int port, String prefix) throws Exception {
        JsonNode rows = DeployBench.JSON.readTree(DeployBench.HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/vm/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
        ObjectNode request = DeployBench.JSON.createObjectNode();
        ArrayNode items = request.putArray("containers");
        for (JsonNode row : rows) {
            if (row.path("agent_name").asText().startsWith(prefix)) {
                items.add(DeployBench.JSON.createObjectNode().put("container_name", row.get("container_name").asText()));
            }
        }
        if (!items.isEmpty()) post(port, "/api/v1/vm/batch/stop", request);
    }
}
