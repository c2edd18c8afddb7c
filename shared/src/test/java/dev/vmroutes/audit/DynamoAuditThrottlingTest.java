package dev.vmroutes.audit;

import com.sun.net.httpserver.HttpServer;
import dev.vmroutes.api.VmException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A throttled, failing or unreachable audit table is "unavailable" (503 at the edge), as the
 * deployment table is: the real SDK client against an endpoint that answers as DynamoDB does when
 * it throttles (dynalite never throttles).
 */
class DynamoAuditThrottlingTest {

    @Test
    void throttlingAnd5xx_areUnavailable_forWritesAndReads() throws Exception {
        for (String[] answer : new String[][]{
                {"400", "com.amazonaws.dynamodb.v20120810#ThrottlingException"},
                {"500", "com.amazonaws.dynamodb.v20120810#InternalServerError"}}) {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] body = ("{\"__type\":\"" + answer[1] + "\",\"message\":\"slow down\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            try (DynamoDbClient client = client("http://127.0.0.1:" + server.getAddress().getPort())) {
                DynamoAuditTrail trail = new DynamoAuditTrail(client, "audit", Duration.ofDays(90));
                assertUnavailable(() -> trail.record(AuditTrailContract.entry("a", Instant.now(), "deploy")), answer[1]);
                assertUnavailable(() -> trail.list(null, null, 10, a -> true), answer[1]);
                assertUnavailable(() -> trail.list("a", null, 10, a -> true), answer[1]);
            } finally {
                server.stop(0);
            }
        }
    }

    @Test
    void anUnreachableTable_isUnavailable() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (DynamoDbClient client = client("http://127.0.0.1:" + closedPort)) {
            assertUnavailable(() -> new DynamoAuditTrail(client, "audit", Duration.ofDays(90)).list(null, null, 1, a -> true), "refused");
        }
    }

    private static void assertUnavailable(Runnable call, String as) {
        assertThatThrownBy(call::run).as(as).isInstanceOfSatisfying(VmException.class, e -> {
            assertThat(e.kind()).isEqualTo(VmException.Kind.UNAVAILABLE);
            assertThat(e.detail()).startsWith("audit table unavailable: ");
        });
    }

    private static DynamoDbClient client(String endpoint) {
        return DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }
}
