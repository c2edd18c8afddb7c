package dev.vmroutes.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.vmroutes.docker.EngineErrors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The Swarm part of the engine API, spoken as JSON over the same mutual-TLS transport as every
 * other call. docker-java's service model lacks fields agents need (init, capabilities, a pids
 * limit, the update status) and its update sends no registry credentials, so services are
 * created, updated and read here in the engine's own terms.
 */
public final class SwarmEngine implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<DockerHttpClient> connect;
    private DockerHttpClient http;

    /** @param connect makes the transport on the first call, so a process that never calls the engine never reads its secret */
    public SwarmEngine(Supplier<DockerHttpClient> connect) {
        this.connect = connect;
    }

    /** A call that changes nothing: tried once more when the connection breaks under it. */
    public JsonNode get(String path) {
        return EngineErrors.read(() -> send("GET", path, null, null));
    }

    /** A call that changes something, with the registry credentials the engine passes to every node ({@code registryAuth} may be null). */
    public JsonNode post(String path, JsonNode body, String registryAuth) {
        return EngineErrors.call(() -> send("POST", path, body, registryAuth));
    }

    /** An answer that is not JSON (a service's logs), at most {@code maxBytes} of it. */
    public byte[] bytes(String path, int maxBytes) {
        return EngineErrors.read(() -> {
            try (DockerHttpClient.Response response = transport().execute(DockerHttpClient.Request.builder().method("GET").path(path).build())) {
                if (response.getStatusCode() == 404) throw new NotFoundException("no such object: " + path);
                if (response.getStatusCode() / 100 != 2) throw new DockerException("the engine answered " + response.getStatusCode(), response.getStatusCode());
                return response.getBody().readNBytes(maxBytes);
            } catch (IOException e) {
                throw new UncheckedIOException("the engine's answer to GET " + path + " could not be read", e);
            }
        });
    }

    public void delete(String path) {
        EngineErrors.call(() -> send("DELETE", path, null, null));
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode send(String method, String path, JsonNode body, String registryAuth) {
        DockerHttpClient.Request.Builder request = DockerHttpClient.Request.builder().method(method).path(path);
        if (body != null) {
            request.putHeader("Content-Type", "application/json");
            try {
                request.bodyBytes(JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (registryAuth != null) request.putHeader("X-Registry-Auth", registryAuth);
        try (DockerHttpClient.Response response = transport().execute(request.build())) {
            int status = response.getStatusCode();
            byte[] bytes = response.getBody() == null ? new byte[0] : response.getBody().readAllBytes();
            if (status / 100 == 2) return bytes.length == 0 ? MissingNode.getInstance() : JSON.readTree(bytes);
            String message = new String(bytes, StandardCharsets.UTF_8).strip();
            try {
                JsonNode error = JSON.readTree(bytes);
                if (error != null && error.hasNonNull("message")) message = error.get("message").asText();
            } catch (IOException notJson) {
                // the body as it is
            }
            throw switch (status) {
                case 400 -> new BadRequestException(message);
                case 404 -> new NotFoundException(message);
                case 409 -> new ConflictException(message);
                default -> new DockerException(message, status);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("the engine's answer to " + method + " " + path + " could not be read", e);
        }
    }

    private synchronized DockerHttpClient transport() {
        if (http == null) http = connect.get();
        return http;
    }

    @Override
    public synchronized void close() throws IOException {
        if (http != null) http.close();
    }
}
