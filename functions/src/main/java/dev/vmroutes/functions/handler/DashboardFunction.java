package dev.vmroutes.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.functions.DashboardFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The dashboard on AWS: the local server's static files, read from the classpath, on the HTTP API
 * routes {@code GET /} and {@code GET /{file+}} that need no authorization (the page holds nothing
 * secret; it calls the API with a bearer token). Only the files of {@link DashboardFiles#PATHS},
 * with its headers, and {@link #CONFIG}: the sign-in's issuer and client id from this function's
 * variables. Anything else is 404. It starts no Spring application and reaches no engine or table.
 */
public final class DashboardFunction implements RequestStreamHandler {

    public static final String CONFIG = DashboardFiles.CONFIG;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> TYPES = Map.of("html", "text/html;charset=UTF-8",
            "js", "text/javascript;charset=UTF-8", "css", "text/css;charset=UTF-8", "json", "application/json");

    private final Map<String, String> environment;
    private final String contentSecurityPolicy;

    public DashboardFunction() {
        this(System.getenv());
    }

    public DashboardFunction(Map<String, String> environment) {
        this.environment = environment;
        this.contentSecurityPolicy = DashboardFiles.contentSecurityPolicy(environment.get("VM_DASHBOARD_ISSUER"),
                environment.get("VM_DASHBOARD_SIGN_IN_ORIGIN"));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        String method = event.at("/requestContext/http/method").asText("GET");
        String path = event.path("rawPath").asText("/");
        JSON.writeValue(output, answer(method, path));
    }

    ObjectNode answer(String method, String path) throws IOException {
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        String body = !read ? null : CONFIG.equals(path) ? config() : DashboardFiles.PATHS.contains(path) ? file(path) : null;
        if (body == null) return response(404, "application/json", "{\"detail\":\"not found\"}", method);
        return response(200, TYPES.get(extension(CONFIG.equals(path) ? path : fileName(path))), body, method);
    }

    /**
     * Where the page signs in (OpenID Connect, authorization code with PKCE) and the scopes to ask
     * for; an empty issuer when it uses pasted tokens.
     */
    private String config() throws IOException {
        ObjectNode config = JSON.createObjectNode();
        String issuer = environment.getOrDefault("VM_DASHBOARD_ISSUER", "");
        String client = environment.getOrDefault("VM_DASHBOARD_CLIENT_ID", "");
        // As the local server answers it: nothing unless both are known, and the page then asks for a token.
        if (issuer.isBlank() || client.isBlank()) return "{}";
        config.put("issuer", issuer);
        config.put("client_id", client);
        config.put("scope", environment.getOrDefault("VM_DASHBOARD_SCOPES", "openid vm:read vm:deploy vm:stop vm:admin"));
        return JSON.writeValueAsString(config);
    }

    private static String file(String path) throws IOException {
        try (InputStream in = DashboardFunction.class.getResourceAsStream("/static" + fileName(path))) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String fileName(String path) {
        return "/".equals(path) ? "/index.html" : path;
    }

    private static String extension(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private ObjectNode response(int status, String type, String body, String method) {
        ObjectNode response = JSON.createObjectNode().put("statusCode", status);
        ObjectNode headers = response.putObject("headers");
        headers.put("Content-Type", type);
        headers.put("Content-Security-Policy", contentSecurityPolicy);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Cache-Control", "no-cache");
        response.put("body", "HEAD".equals(method) ? "" : body);
        response.put("isBase64Encoded", false);
        return response;
    }
}
