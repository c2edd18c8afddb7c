package dev.vmroutes.functions.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.store.Deployment;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TokenGitServer;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Deploys that answer 202, on the local server: the time to the 202 (Prefer: respond-async), and
 * a deploy end to end asynchronously (the request, then GET of its deployment every 100 ms until
 * it runs) against the same deploy answered synchronously. Every deploy builds: each round
 * commits a change first, so neither side finds an image to reuse; the sides alternate which goes
 * first. Run through scripts/bench-deploy.
 */
public final class AsyncDeployBench {

    static final long POLL_MILLIS = 100;

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        System.setOut(System.err);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("bench-async");
        AgentRepo repo = AgentRepo.httpAgent(dir, "agent");
        DeployBench.Samples samples = new DeployBench.Samples();
        try (LocalServer server = LocalServer.start(dir); TokenGitServer git = new TokenGitServer(DeployBench.TOKEN)) {
            git.serve("agent", repo.repository());
            DeployBench.awaitServer(server.port());
            for (int round = 0; round <= rounds; round++) {
                for (int side = 0; side < 2; side++) {
                    boolean async = (round + side) % 2 == 0;
                    repo.commit(Map.of("round.txt", round + "-" + side + "-" + System.nanoTime()));
                    String agent = "bench-" + (async ? "async" : "sync") + "-" + round;
                    long start = System.nanoTime();
                    HttpResponse<String> answer = post(server.port(), agent, git, async);
                    double toAnswer = DeployBench.ms(System.nanoTime() - start);
                    JsonNode body = DeployBench.JSON.readTree(answer.body());
                    String id = body.get("deployment_id").asText();
                    if (async) {
                        if (answer.statusCode() != 202) throw new IllegalStateException("expected 202: " + answer.body());
                        String status;
                        do {
                            Thread.sleep(POLL_MILLIS);
                            status = DeployBench.JSON.readTree(DeployBench.HTTP.send(HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + server.port() + "/api/v1/vm/deployments/" + id)).build(),
                                    HttpResponse.BodyHandlers.ofString()).body()).get("status").asText();
                        } while (Deployment.IN_PROGRESS.contains(status));
                        if (!"running".equals(status)) throw new IllegalStateException("ended " + status);
                    } else if (answer.statusCode() != 200) {
                        throw new IllegalStateException("expected 200: " + answer.body());
                    }
                    double total = DeployBench.ms(System.nanoTime() - start);
                    if (round > 0) { // round 0 warms the server up
                        if (async) samples.add("202", toAnswer);
                        samples.add(async ? "async" : "sync", total);
                    }
                    BatchBench.stopAll(server.port(), agent);
                }
            }
        }
        double async = samples.median("async"), sync = samples.median("sync");
        out.printf("%nDeploys past the request: %d rounds, every deploy building a new commit, medians in ms%n", rounds);
        out.printf("| time to the 202 (Prefer: respond-async) | %.0f | target <= 150 |%n", samples.median("202"));
        out.printf("| deploy end to end, asynchronous (GET every %d ms until running) | %.0f | |%n", POLL_MILLIS, async);
        out.printf("| the same deploy, synchronous | %.0f | |%n", sync);
        out.printf("| asynchronous / synchronous | %.2fx | target <= 1.05x |%n", async / sync);
    }

    static HttpResponse<String> post(int port, String agent, TokenGitServer git, boolean async) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/deploy"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BatchBench.body(git, agent).toString()));
        if (async) request.header("Prefer", "respond-async");
        return DeployBench.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
