package dev.vmroutes.docker;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the engine is and how to reach it, read the way the docker CLI reads it.
 *
 * @param host            {@code unix:///var/run/docker.sock} or {@code tcp://host:2376}
 * @param tls             client TLS material; required for {@code tcp://}
 * @param publishAddress  the address container ports are published on and probed at
 */
public record DockerSettings(URI host, TlsMaterial tls, String publishAddress,
                             Duration connectTimeout, Duration responseTimeout, Duration buildTimeout) {

    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    public DockerSettings {
        String scheme = host.getScheme();
        if ("tcp".equals(scheme) && tls == null) {
            throw new IllegalArgumentException(
                    "DOCKER_HOST " + host + " needs TLS: set DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH, or VM_DOCKER_TLS_SECRET");
        }
        if (!"tcp".equals(scheme) && !"unix".equals(scheme)) {
            throw new IllegalArgumentException("DOCKER_HOST must be unix:// or tcp://, not " + scheme);
        }
    }

    /**
     * Reads {@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH},
     * {@code VM_DOCKER_TLS_SECRET} (resolved through {@code secretReader}) and {@code VM_PUBLISH_ADDRESS}.
     */
    public static DockerSettings fromEnvironment(Map<String, String> env, Function<String, String> secretReader) {
        URI host = URI.create(env.getOrDefault("DOCKER_HOST", DEFAULT_HOST));
        TlsMaterial tls = null;
        String secretId = env.get("VM_DOCKER_TLS_SECRET");
        if (secretId != null && !secretId.isBlank()) {
            tls = TlsMaterial.fromSecretJson(secretReader.apply(secretId));
        } else if ("1".equals(env.get("DOCKER_TLS_VERIFY")) || "true".equalsIgnoreCase(env.get("DOCKER_TLS_VERIFY"))) {
            String certPath = env.getOrDefault("DOCKER_CERT_PATH", System.getProperty("user.home") + "/.docker");
            tls = TlsMaterial.fromDirectory(Path.of(certPath));
        }
        String publish = env.get("VM_PUBLISH_ADDRESS");
        if (publish == null || publish.isBlank()) {
            publish = "unix".equals(host.getScheme()) ? "127.0.0.1" : host.getHost();
        }
        return new DockerSettings(host, tls, publish,
                seconds(env, "VM_DOCKER_CONNECT_TIMEOUT_SECONDS", 5),
                seconds(env, "VM_DOCKER_RESPONSE_TIMEOUT_SECONDS", 30),
                seconds(env, "VM_DOCKER_BUILD_TIMEOUT_SECONDS", 600));
    }

    private static Duration seconds(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) return Duration.ofSeconds(fallback);
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed <= 0) throw new NumberFormatException();
            return Duration.ofSeconds(parsed);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive number of seconds");
        }
    }
}
