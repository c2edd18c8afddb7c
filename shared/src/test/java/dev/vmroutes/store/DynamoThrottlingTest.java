package dev.vmroutes.store;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A throttled or failing DynamoDB is "unavailable" (503 with Retry-After at the edge), never a
 * 500: the real SDK client against an endpoint that answers as DynamoDB does when it throttles
 * (dynalite never throttles).
 */
class DynamoThrottlingTest {

    @Test
    void throttlingAnd5xx_areUnavailable_notInternalErrors() throws Exception {
        for (String[] answer : new String[][]{
                {"400", "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"},
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
            try (DynamoDbClient client = DynamoDbClient.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                    .build()) {
                DeploymentRecords records = new DeploymentRecords(new DynamoDeploymentStore(client, "deployments", java.time.Duration.ofDays(90)));
                assertThatThrownBy(() -> records.get("any")).as(answer[1])
                        .isInstanceOfSatisfying(VmException.class, e -> {
                            assertThat(e.kind()).isEqualTo(VmException.Kind.UNAVAILABLE);
                            assertThat(e.detail()).startsWith("deployment table unavailable: ");
                        });
            } finally {
                server.stop(0);
            }
        }
    }
}
