package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Duration;

/** Builds docker-java clients over the httpclient5 transport, always with timeouts and verified TLS. */
public final class DockerClients {

    private DockerClients() {
    }

    /** A client for ordinary calls, bounded by the settings' response timeout. */
    public static DockerClient create(DockerSettings settings) {
        return create(settings, settings.responseTimeout());
    }

    /** A client whose responses may take up to {@code responseTimeout} (image builds stream for long). */
    public static DockerClient create(DockerSettings settings, Duration responseTimeout) {
        SSLContext tls = settings.tls() == null ? null : settings.tls().sslContext();
        return create(settings.host(), tls, settings.connectTimeout(), responseTimeout);
    }

    /**
     * The transport's TLS socket factory keeps the default hostname verifier: the engine's
     * certificate must be signed by the configured CA and name the host we dial.
     */
    public static DockerClient create(URI host, SSLContext tls, Duration connectTimeout, Duration responseTimeout) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.toString())
                .withDockerTlsVerify(false)
                .build();
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(host)
                .maxConnections(50)
                .connectionTimeout(connectTimeout)
                .responseTimeout(responseTimeout);
        if (tls != null) {
            http.sslConfig(() -> tls);
        }
        DockerHttpClient transport = http.build();
        return DockerClientImpl.getInstance(config, transport);
    }
}
