package dev.vmroutes.functions.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An AWS endpoint's front on 127.0.0.1, as strict about credentials as AWS is about expired ones:
 * a request signed with any access key but the current one is refused as AWS refuses it; others
 * go on to the local server behind (dynalite, the Secrets Manager test server).
 */
public final class SignedRequestGate implements AutoCloseable {

    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Z0-9]+)/");
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "transfer-encoding", "expect");

    private final HttpServer server;
    private final URI target;
    private final Supplier<String> currentKey;
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private volatile boolean throttling;

    public SignedRequestGate(URI target, Supplier<String> currentKey) throws IOException {
        this.target = target;
        this.currentKey = currentKey;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** While on, every request is answered as DynamoDB answers when it throttles. */
    public void throttle(boolean on) {
        throttling = on;
    }

    /** The access keys of the requests let through, in order. */
    public List<String> accepted() {
        return List.copyOf(accepted);
    }

    /** The access keys (or "unsigned") of the requests refused. */
    public List<String> refused() {
        return List.copyOf(refused);
    }

    /** Answers as DynamoDB answers a request it refuses: 400 with the error's type and message. */
    private static void refuse(HttpExchange exchange, String type, String message) throws IOException {
        byte[] answer = ("{\"__type\": \"com.amazonaws.dynamodb.v20120810#" + type + "\", \"message\": \"" + message + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(400, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher credential = CREDENTIAL.matcher(authorization == null ? "" : authorization);
        String key = credential.find() ? credential.group(1) : "unsigned";
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (throttling) {
            refuse(exchange, "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded");
            return;
        }
        if (currentKey != null && !key.equals(currentKey.get())) {
            refused.add(key);
            refuse(exchange, "ExpiredTokenException", "The security token included in the request is expired");
            return;
        }
        accepted.add(key);
        HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) values.forEach(v -> forward.header(name, v));
        });
        try {
            HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) values.forEach(v -> exchange.getResponseHeaders().add(name, v));
            });
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            exchange.getResponseBody().write(answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(502, -1);
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
