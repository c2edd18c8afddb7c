package dev.vmroutes.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets Manager's GetSecretValue over its real wire protocol (JSON 1.1 with X-Amz-Target), on
 * 127.0.0.1, so the real SDK client reads secrets in tests.
 */
public final class SecretsManagerTestServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private volatile boolean failing;
    private final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

    public SecretsManagerTestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] answer;
            int status;
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            String id = request.path("SecretId").asText();
            reads.incrementAndGet();
            if (failing) {
                status = 500;
                answer = JSON.writeValueAsBytes(Map.of("__type", "InternalServiceError", "message", "try again later"));
            } else if ("secretsmanager.GetSecretValue".equals(target) && secrets.containsKey(id)) {
                status = 200;
                answer = JSON.writeValueAsBytes(Map.of("ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + id,
                        "Name", id, "SecretString", secrets.get(id), "VersionId", "v1"));
            } else {
                status = 400;
                answer = JSON.writeValueAsBytes(Map.of("__type", "ResourceNotFoundException",
                        "message", "Secrets Manager can't find the specified secret."));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** For a static field: a server that cannot start is a broken test environment. */
    public static SecretsManagerTestServer startUnchecked() {
        try {
            return new SecretsManagerTestServer();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Answers every request with 500, as Secrets Manager does during an outage. */
    public void failing(boolean failing) {
        this.failing = failing;
    }

    /** How many requests the server has answered: a secret refused before any read leaves it unchanged. */
    public int reads() {
        return reads.get();
    }

    public void put(String id, String value) {
        secrets.put(id, value);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public SecretsManagerClient client() {
        return SecretsManagerClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Reads a secret the way the application does: through the SDK client. */
    public String read(String id) {
        try (SecretsManagerClient client = client()) {
            return client.getSecretValue(r -> r.secretId(id)).secretString();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
