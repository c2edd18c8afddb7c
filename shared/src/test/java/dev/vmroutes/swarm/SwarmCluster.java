package dev.vmroutes.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vmroutes.testing.TestEnvironment;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The test environment's three-node Swarm (scripts/swarm-env), as the tests reach it: nodes by address, their daemons by pid. */
final class SwarmCluster {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SwarmCluster() {
    }

    /** The HTTP status of GET http://address:port/path, or -1 when nothing answered within 10 s (the machine may be busy). */
    static int status(String address, int port, String path) {
        return answer(address, port, path).statusCode();
    }

    static HttpResponse<String> answer(String address, int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return new Failed(e.toString());
        }
    }

    /** The node number (1 to 3) of a node address 10.250.0.1N. */
    static int number(String address) {
        return Integer.parseInt(address.substring(address.length() - 1));
    }

    /** Kills a node's daemon as a crash would (SIGKILL): the node drops out of the Swarm. */
    static void killDaemon(int node) throws Exception {
        Path pidFile = Path.of(TestEnvironment.require("VM_TEST_SWARM_DIR"), "n" + node, "docker.pid");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("node " + node + "'s daemon is not running")).destroyForcibly();
    }

    /** Brings every node back (the environment script is idempotent and restarts a daemon that died). */
    static void bringUp() throws Exception {
        Path script = Path.of("..", "scripts", "swarm-env").toAbsolutePath().normalize();
        Process up = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!up.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) || up.exitValue() != 0) {
            throw new IllegalStateException("scripts/swarm-env did not bring the Swarm back");
        }
    }

    static String nodeState(AgentServices services, String address) {
        for (JsonNode node : services.nodes()) {
            if (address.equals(SwarmViews.address(node))) return node.path("Status").path("State").asText();
        }
        return "absent";
    }

    private record Failed(String error) implements HttpResponse<String> {
        public int statusCode() {
            return -1;
        }

        public HttpRequest request() {
            return null;
        }

        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true);
        }

        public String body() {
            return error;
        }

        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        public URI uri() {
            return null;
        }

        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
