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
        return create(host, tls, connectTimeout, responseTimeout, null);
    }

    /** A build client: its build calls carry {@code buildQuery} too (parameters docker-java's build command has no setter for). */
    public static DockerClient createForBuilds(DockerSettings settings, Duration responseTimeout, String buildQuery) {
        SSLContext tls = settings.tls() == null ? null : settings.tls().sslContext();
        return create(settings.host(), tls, settings.connectTimeout(), responseTimeout, buildQuery);
    }

    /** The bare transport to the engine, for calls docker-java's commands cannot make as the engine expects them. */
    public static DockerHttpClient http(DockerSettings settings) {
        SSLContext tls = settings.tls() == null ? null : settings.tls().sslContext();
        return transport(settings.host(), tls, settings.connectTimeout(), settings.responseTimeout());
    }

    private static DockerHttpClient transport(URI host, SSLContext tls, Duration connectTimeout, Duration responseTimeout) {
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(host)
                .maxConnections(50)
                .connectionTimeout(connectTimeout)
                .responseTimeout(responseTimeout);
        if (tls != null) {
            http.sslConfig(() -> tls);
        }
        return new TracedTransport(http.build());
    }

    private static DockerClient create(URI host, SSLContext tls, Duration connectTimeout, Duration responseTimeout, String buildQuery) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.toString())
                .withDockerTlsVerify(false)
                .build();
        DockerHttpClient transport = transport(host, tls, connectTimeout, responseTimeout);
        return DockerClientImpl.getInstance(config, buildQuery == null ? transport : new BuildQuery(transport, buildQuery));
    }

    /** Adds a query to every {@code POST /build}: the engine's CPU quota for build steps, for one. */
    private record BuildQuery(DockerHttpClient transport, String query) implements DockerHttpClient {
        private static final java.util.regex.Pattern BUILD = java.util.regex.Pattern.compile("(/v[0-9.]+)?/build(\\?.*)?");

        @Override
        public Response execute(Request request) {
            if ("POST".equals(request.method()) && BUILD.matcher(request.path()).matches()) {
                String path = request.path() + (request.path().contains("?") ? "&" : "?") + query;
                request = Request.builder().from(request).path(path).build();
            }
            return transport.execute(request);
        }

        @Override
        public void close() throws java.io.IOException {
            transport.close();
        }
    }
}
