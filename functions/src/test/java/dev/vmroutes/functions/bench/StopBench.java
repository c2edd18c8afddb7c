package dev.vmroutes.functions.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;

/**
 * Stopping an agent (POST /api/v1/vm/stop on the local server) against {@code docker stop} of the
 * same image run by hand with the same flags, for an agent that never handles SIGTERM (a plain
 * {@code http.server}) and one that exits on it; beside them, the same agent run by hand without
 * an init as PID 1, which is what a stop cost before agents got one. Then a health call against
 * an agent whose /health sends one byte a second: it must end within the probe's deadline.
 * Run through scripts/bench-stop.
 */
public final class StopBench {

    static final String HANDLES_SIGTERM = "import signal, sys\nsignal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\n";
    static final String TRICKLING = String.join("\n", "import socket, threading, time",
            "def serve(c):",
            "    c.recv(4096)",
            "    try:",
            "        for b in b'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\n' + b'x' * 600:",
            "            c.send(bytes([b]))",
            "            time.sleep(1)",
            "    except OSError:",
            "        pass",
            "    c.close()",
            "s = socket.socket()",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('0.0.0.0', 8080))",
            "s.listen(64)",
            "while True:",
            "    c, _ = s.accept()",
            "    threading.Thread(target=serve, args=(c,), daemon=True).start()",
            "");

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        System.setOut(System.err);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("bench-stop");
        Map<String, String> agents = Map.of(
                "ignores", AgentRepo.HTTP_AGENT,
                "handles", HANDLES_SIGTERM + AgentRepo.HTTP_AGENT,
                "trickles", TRICKLING);
        try (LocalServer server = LocalServer.start(dir); TokenGitServer git = new TokenGitServer(DeployBench.TOKEN)) {
            for (var agent : agents.entrySet()) {
                git.serve(agent.getKey(), AgentRepo.create(dir, agent.getKey(), Map.of("main.py", agent.getValue())).repository());
            }
            DeployBench.awaitServer(server.port());
            out.println("| agent | API stop (ms) | docker stop, same flags (ms) | ratio | docker stop without an init (ms) |");
            out.println("|---|---|---|---|---|");
            for (String kind : List.of("ignores", "handles")) {
                DeployBench.Samples api = new DeployBench.Samples();
                DeployBench.Samples hand = new DeployBench.Samples();
                DeployBench.Samples noInit = new DeployBench.Samples();
                String image = null;
                for (int round = 1; round <= rounds; round++) {
                    JsonNode deployed = BatchBench.post(server.port(), "/api/v1/vm/deploy", body(git, kind, "bench-stop-" + kind + "-" + round));
                    image = deployed.get("image").asText();
                    String handContainer = DeployBench.runAndAwait(image).container();
                    long start = System.nanoTime();
                    BatchBench.post(server.port(), "/api/v1/vm/stop", DeployBench.JSON.createObjectNode()
                            .put("container_name", deployed.get("container_name").asText()).put("remove", true));
                    api.add("stop", DeployBench.ms(System.nanoTime() - start));
                    start = System.nanoTime();
                    DeployBench.run(List.of("docker", "stop", handContainer));
                    hand.add("stop", DeployBench.ms(System.nanoTime() - start));
                    DeployBench.run(List.of("docker", "rm", "-f", handContainer));
                }
                List<String> withoutInit = new ArrayList<>(DeployBench.handRun(image));
                withoutInit.remove("--init");
                String plain = DeployBench.run(withoutInit).strip();
                Thread.sleep(1000); // let it start listening, as the others did
                long start = System.nanoTime();
                DeployBench.run(List.of("docker", "stop", plain));
                noInit.add("stop", DeployBench.ms(System.nanoTime() - start));
                DeployBench.run(List.of("docker", "rm", "-f", plain));
                double a = api.median("stop"), h = hand.median("stop");
                out.printf("| %s SIGTERM | %.0f | %.0f | %.2fx | %.0f |%n", kind, a, h, a / h, noInit.median("stop"));
            }

            JsonNode trickler = BatchBench.post(server.port(), "/api/v1/vm/deploy", body(git, "trickles", "bench-stop-trickles"));
            out.println();
            out.println("| health of an agent sending one byte a second | ms | answer |");
            out.println("|---|---|---|");
            for (int round = 1; round <= rounds; round++) {
                long start = System.nanoTime();
                HttpResponse<String> health = DeployBench.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/v1/vm/health/" + trickler.get("container_name").asText())).build(), HttpResponse.BodyHandlers.ofString());
                out.printf("| round %d | %.0f | %d %s |%n", round, DeployBench.ms(System.nanoTime() - start), health.statusCode(),
                        DeployBench.JSON.readTree(health.body()).path("http_probe").path("error").asText());
            }
            BatchBench.post(server.port(), "/api/v1/vm/stop", DeployBench.JSON.createObjectNode()
                    .put("container_name", trickler.get("container_name").asText()).put("remove", true));
        }
    }

    static com.fasterxml.jackson.databind.node.ObjectNode body(TokenGitServer git, String repo, String agent) {
        return DeployBench.JSON.createObjectNode().put("repo_url", git.url(repo)).put("agent_name", agent)
                .put("auth_token", DeployBench.TOKEN);
    }
}
