package dev.vmroutes.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vmr --aws} (the jar, credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) against
 * a loopback server that verifies each request's signature with {@link SigV4Check}, as API Gateway
 * would: a GET, a GET with a query and a POST with a body pass, a wrong secret does not.
 */
class CliSigV4IT {

    static final String KEY_ID = "AKIDVMRTEST";
    static final String SECRET = "vmr-test-secret/abc+def";
    static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    HttpServer server;
    final List<String> verified = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::verify);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void verify(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher m = AUTHORIZATION.matcher(authorization == null ? "" : authorization);
        String answer;
        int status;
        if (!m.matches()) {
            status = 403;
            answer = "{\"detail\": \"no SigV4 signature\"}";
        } else {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.getFirst()));
            String expected = SigV4Check.signature(SECRET, exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), headers, m.group(5), body, headers.get("X-Amz-Date"), m.group(3), m.group(4));
            boolean ok = m.group(1).equals(KEY_ID) && m.group(3).equals("us-west-2") && m.group(4).equals("execute-api")
                    && m.group(5).contains("host") && m.group(5).contains("x-amz-date") && expected.equals(m.group(6));
            status = ok ? 200 : 403;
            answer = ok ? answerFor(exchange.getRequestURI().getPath()) : "{\"detail\": \"The request signature we calculated does not match\"}";
            if (ok) verified.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String answerFor(String path) {
        if (path.endsWith("/audit")) return "{\"entries\": []}";
        if (path.endsWith("/stop")) return "{\"stopped\": \"jules-agent-a-1\", \"removed\": true}";
        return "[]";
    }

    record Run(int status, String out, String err) {
    }

    Run vmr(String secret, String... args) throws Exception {
        Path out = Files.createTempFile("vmr-out", ".txt");
        Path err = Files.createTempFile("vmr-err", ".txt");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("vmr.jar"), "--aws", "--url", "http://127.0.0.1:" + server.getAddress().getPort()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("VMR_"));
        env.put("AWS_ACCESS_KEY_ID", KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", secret);
        env.put("AWS_REGION", "us-west-2");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", "/nonexistent");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        int status = builder.start().waitFor();
        return new Run(status, Files.readString(out), Files.readString(err));
    }

    @Test
    void requestsSignedByVmr_areVerified_getQueryAndPost() throws Exception {
        assertThat(vmr(SECRET, "--json", "list")).satisfies(r -> assertThat(r.status()).as(r.err()).isZero())
                .extracting(Run::out).asString().isEqualToIgnoringWhitespace("[]");
        Run audit = vmr(SECRET, "audit", "--agent", "a b", "--limit", "5", "--since", "2025-10-01T00:00:00Z");
        assertThat(audit.status()).as(audit.err()).isZero();
        Run stop = vmr(SECRET, "stop", "jules-agent-a-1");
        assertThat(stop.status()).as(stop.err()).isZero();
        assertThat(stop.out()).contains("stopped jules-agent-a-1, removed");
        assertThat(verified).containsExactly("GET /api/v1/vm/list",
                "GET /api/v1/vm/audit?agent_name=a%20b&since=2025-10-01T00%3A00%3A00Z&limit=5", "POST /api/v1/vm/stop");
    }

    @Test
    void aWrongSecret_isRefused_andVmrSaysWhyOnOneLine() throws Exception {
        Run run = vmr(SECRET + "x", "list");
        assertThat(run.status()).isEqualTo(Vmr.API_ERROR);
        assertThat(run.err().strip()).isEqualTo("vmr: 403 The request signature we calculated does not match");
        assertThat(run.out()).isEmpty();
        assertThat(verified).isEmpty();
    }
}
