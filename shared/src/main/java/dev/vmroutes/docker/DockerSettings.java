package dev.vmroutes.docker;

import dev.vmroutes.config.VmConfig;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

/**
 * The engine as this process reaches it: its address, the client TLS material (required for
 * {@code tcp://}), and the address container ports are published on and probed at.
 */
public record DockerSettings(URI host, TlsMaterial tls, String publishAddress,
                             Duration connectTimeout, Duration responseTimeout, Duration buildTimeout) {

    public DockerSettings {
        if ("tcp".equals(host.getScheme()) && tls == null) {
            throw new IllegalArgumentException("DOCKER_HOST " + host + " needs TLS material");
        }
    }

    /**
     * Reads the TLS material the configuration names: the secret (through {@code secretReader}),
     * the same JSON given as a variable for a local run, or the certificate directory.
     */
    public static DockerSettings resolve(VmConfig.Engine engine, Function<String, String> secretReader) {
        if (!engine.access()) {
            throw new IllegalStateException("this function is given no access to the Docker engine (VM_ENGINE_ACCESS=false)");
        }
        TlsMaterial tls = null;
        if (engine.tlsPems() != null) {
            tls = TlsMaterial.fromSecretJson(engine.tlsPems());
        } else if (engine.tlsSecret() != null) {
            tls = TlsMaterial.fromSecretJson(secretReader.apply(engine.tlsSecret()));
        } else if (engine.tlsVerify()) {
            tls = TlsMaterial.fromDirectory(engine.certPath());
        }
        return new DockerSettings(engine.host(), tls, engine.publishAddress(),
                engine.connectTimeout(), engine.responseTimeout(), engine.buildTimeout());
    }
}
