package dev.vmroutes.testing;

import dev.vmroutes.config.VmConfig;
import dev.vmroutes.docker.DockerSettings;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;
import java.util.Map;

/**
 * The services scripts/test-env brings up, as its env.sh describes them. Integration tests fail
 * (never skip) when they are missing, so a green run always means the real services were used.
 */
public final class TestEnvironment {

    private TestEnvironment() {
    }

    public static String require(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run scripts/test-env and source .test-env/env.sh");
        }
        return value;
    }

    /** The engine through the mutual-TLS front. */
    public static DockerSettings dockerSettings() {
        require("DOCKER_HOST");
        require("DOCKER_CERT_PATH");
        return DockerSettings.resolve(VmConfig.fromEnvironment(System.getenv()).engine(), id -> {
            throw new IllegalStateException("no secrets in tests");
        });
    }

    public static Path tlsDir() {
        return Path.of(require("VM_TEST_TLS_DIR"));
    }

    public static DynamoDbClient dynamo() {
        require("AWS_ENDPOINT_URL_DYNAMODB");
        return DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static Map<String, String> env() {
        return System.getenv();
    }
}
