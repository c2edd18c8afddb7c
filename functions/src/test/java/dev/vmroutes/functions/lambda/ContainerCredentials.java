package dev.vmroutes.functions.lambda;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The credentials endpoint a SnapStart function gets instead of key variables
 * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} with {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}), on
 * 127.0.0.1. It answers only with the right token, and {@link #rotate()} replaces the keys it
 * serves: the old ones are expired from then on.
 */
public final class ContainerCredentials implements AutoCloseable {

    public static final String PATH = "/2021-04-23/credentials";

    private final HttpServer server;
    private final String token = "token-" + UUID.randomUUID();
    private volatile String accessKeyId = newKey();
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    public ContainerCredentials() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(PATH, exchange -> {
            byte[] body;
            int status;
            if (token.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                served.incrementAndGet();
                status = 200;
                body = ("{\"AccessKeyId\": \"" + accessKeyId + "\", \"SecretAccessKey\": \"secret-" + accessKeyId
                        + "\", \"Token\": \"session-" + accessKeyId + "\", \"Expiration\": \""
                        + Instant.now().plusSeconds(3600) + "\"}").getBytes(StandardCharsets.UTF_8);
            } else {
                refused.incrementAndGet();
                status = 403;
                body = "{\"message\": \"bad token\"}".getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    private static String newKey() {
        return "ASIA" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    }

    public String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    public String token() {
        return token;
    }

    /** The access key the endpoint hands out now: the only one the AWS endpoints accept. */
    public String accessKeyId() {
        return accessKeyId;
    }

    public void rotate() {
        accessKeyId = newKey();
    }

    public int served() {
        return served.get();
    }

    public int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
