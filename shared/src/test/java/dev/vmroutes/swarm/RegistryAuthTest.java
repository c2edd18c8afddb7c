package dev.vmroutes.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryAuthTest {

    private static JsonNode decode(String header) throws Exception {
        return SwarmEngine.JSON.readTree(Base64.getUrlDecoder().decode(header));
    }

    @Test
    void aSecretsCredentials_areSentAsTheEngineExpectsThem_andReadOnce() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        RegistryAuth auth = RegistryAuth.of("registry-login", "registry.example:5000/agents", name -> {
            reads.incrementAndGet();
            assertThat(name).isEqualTo("registry-login");
            return "{\"username\": \"deployer\", \"password\": \"s3cret-pw\"}";
        }, () -> {
            throw new AssertionError("no ECR here");
        });
        assertThat(reads).hasValue(0);
        JsonNode header = decode(auth.header());
        assertThat(header.path("username").asText()).isEqualTo("deployer");
        assertThat(header.path("password").asText()).isEqualTo("s3cret-pw");
        assertThat(header.path("serveraddress").asText()).isEqualTo("registry.example:5000");
        assertThat(auth.authConfig().getRegistryAddress()).isEqualTo("registry.example:5000");
        auth.header();
        assertThat(reads).hasValue(1);
        assertThat(auth.credentials().toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void aRegistryWithoutLogin_getsNoHeader() {
        RegistryAuth none = RegistryAuth.of(null, "registry.example/agents", name -> "{}", () -> null);
        assertThat(none.header()).isNull();
        assertThat(none.authConfig()).isNull();
    }

    @Test
    void credentialsWithoutAPassword_areRefusedWithoutEchoingThem() {
        RegistryAuth auth = RegistryAuth.of("{\"username\": \"u\", \"token\": \"t0ken-value\"}", "registry.example/agents", n -> null, () -> null);
        assertThatThrownBy(auth::header).hasMessageContaining("username and password").hasMessageNotContaining("t0ken-value");
    }

    /** ECR's GetAuthorizationToken answered by a server on loopback speaking ECR's JSON protocol, as the SDK calls it. */
    @Test
    void ecrTokens_areDecoded_andRenewedBeforeTheyEnd() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> target = new AtomicReference<>();
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        HttpServer ecr = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ecr.createContext("/", exchange -> {
            target.set(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            int n = calls.incrementAndGet();
            String token = Base64.getEncoder().encodeToString(("AWS:ecr-password-" + n).getBytes(StandardCharsets.UTF_8));
            byte[] body = ("{\"authorizationData\":[{\"authorizationToken\":\"" + token + "\",\"expiresAt\":"
                    + start.plus(Duration.ofHours(12)).getEpochSecond() + ",\"proxyEndpoint\":\"https://123456789012.dkr.ecr.us-east-1.amazonaws.com\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        ecr.start();
        try (EcrClient client = EcrClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .endpointOverride(URI.create("http://127.0.0.1:" + ecr.getAddress().getPort())).build()) {
            MutableClock clock = new MutableClock(start);
            RegistryAuth auth = RegistryAuth.ecr(() -> client, clock);
            JsonNode header = decode(auth.header());
            assertThat(target.get()).isEqualTo("AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
            assertThat(header.path("username").asText()).isEqualTo("AWS");
            assertThat(header.path("password").asText()).isEqualTo("ecr-password-1");
            assertThat(header.path("serveraddress").asText()).isEqualTo("123456789012.dkr.ecr.us-east-1.amazonaws.com");
            clock.now = start.plus(Duration.ofHours(11));
            auth.header();
            assertThat(calls).hasValue(1);
            clock.now = start.plus(Duration.ofHours(11).plusMinutes(55));
            assertThat(decode(auth.header()).path("password").asText()).isEqualTo("ecr-password-2");
            assertThat(calls).hasValue(2);
        } finally {
            ecr.stop(0);
        }
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
