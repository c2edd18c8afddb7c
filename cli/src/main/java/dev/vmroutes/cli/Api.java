package dev.vmroutes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** The API's routes over HTTP: a bearer token or a SigV4 signature on each request, its answer read as JSON. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PREFIX = "/api/v1/vm";

    private final URI base;
    private final String token;
    private final SigV4 signer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    Api(URI base, String token, SigV4 signer) {
        this.base = base;
        this.token = token;
        this.signer = signer;
    }

    URI base() {
        return base;
    }

    /** An answer of the API; {@link #ok()} when 2xx. */
    record Answer(int status, String body, Map<String, String> headers) {
        boolean ok() {
            return status / 100 == 2;
        }

        JsonNode json() {
            try {
                return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new ApiError(status + ": the answer is not JSON: " + firstLine(body));
            }
        }

        /** The answer when it is 2xx; else an {@link ApiError} with its {@code detail}. */
        Answer orThrow() {
            if (ok()) return this;
            String detail;
            try {
                JsonNode node = JSON.readTree(body);
                detail = node != null && node.hasNonNull("detail") ? node.get("detail").asText() : firstLine(body);
            } catch (IOException e) {
                detail = firstLine(body);
            }
            throw new ApiError(status + " " + detail);
        }
    }

    /** The API said no, or could not be asked; the message is one line. */
    static final class ApiError extends RuntimeException {
        ApiError(String message) {
            super(message);
        }
    }

    Answer get(String path, Map<String, String> query) {
        return send("GET", path + queryString(query), null, Map.of());
    }

    Answer get(String path) {
        return get(path, Map.of());
    }

    Answer post(String path, JsonNode body, Map<String, String> headers) {
        return send("POST", path, body.toString(), headers);
    }

    Answer delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    /** Query parameters in order, those without a value left out. */
    static String queryString(Map<String, String> query) {
        StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) joined.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        });
        return joined.toString();
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Answer send(String method, String path, String body, Map<String, String> headers) {
        URI uri = URI.create(base + PREFIX + path);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Accept", "application/json");
        if (body != null) all.put("Content-Type", "application/json");
        if (token != null && !token.isBlank()) all.put("Authorization", "Bearer " + token);
        if (signer != null) all = signer.sign(method, uri, all, bytes);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        all.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> answerHeaders = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> answerHeaders.put(name.toLowerCase(), values.getFirst()));
            return new Answer(response.statusCode(), response.body(), answerHeaders);
        } catch (IOException e) {
            throw new ApiError("cannot reach " + base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError("interrupted");
        }
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("(no answer)");
        return line.length() > 300 ? line.substring(0, 300) : line;
    }
}
