package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import dev.vmroutes.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine is reached only through mutual TLS; every broken side of the handshake is refused. */
class DockerTlsIT {

    private static final Duration SHORT = Duration.ofSeconds(2);
    private static final long BOUND_MILLIS = 10_000;

    private final DockerSettings settings = TestEnvironment.dockerSettings();
    private final Path tls = TestEnvironment.tlsDir();

    @Test
    void mutualTls_withOurClientCertificate_pingsAndReadsVersion() {
        try (DockerClient docker = DockerClients.create(settings)) {
            docker.pingCmd().exec();
            assertThat(docker.versionCmd().exec().getApiVersion()).isNotBlank();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void mutualTls_withoutClientCertificate_isRefused() throws Exception {
        SSLContext trustOnly = SSLContext.getInstance("TLS");
        trustOnly.init(null, TlsMaterial.trustManagers(Files.readString(tls.resolve("ca.pem"))), null);
        assertRefusedQuickly(settings.host(), trustOnly, "did not accept our client certificate");
    }

    @Test
    void mutualTls_withCertificateFromAnotherCa_isRefused() {
        TlsMaterial rogue = TlsMaterial.fromDirectory(tls.resolve("rogue-client"));
        assertRefusedQuickly(settings.host(), rogue.sslContext(), "did not accept our client certificate");
    }

    @Test
    void mutualTls_whenServerCertificateIsNotFromOurCa_isRefused() throws Exception {
        // Our client certificate, but trusting only the rogue CA: the engine's certificate cannot verify.
        TlsMaterial ours = TlsMaterial.fromDirectory(tls);
        TlsMaterial trustingRogue = new TlsMaterial(Files.readString(tls.resolve("rogue-ca/ca.pem")), ours.certPem(), ours.keyPem());
        assertRefusedQuickly(settings.host(), trustingRogue.sslContext(), "not signed by the configured CA");
    }

    @Test
    void mutualTls_whenServerCertificateNamesAnotherHost_isRefused() throws Exception {
        SSLContext serverContext = serverContext(tls.resolve("mismatch/server.pem"), tls.resolve("mismatch/server-key.pem"));
        try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread acceptor = acceptAndHandshake(server);
            URI host = URI.create("tcp://127.0.0.1:" + server.getLocalPort());
            assertRefusedQuickly(host, TlsMaterial.fromDirectory(tls).sslContext(), "does not match its host name");
            acceptor.interrupt();
        }
    }

    @Test
    void engineDown_connectionRefused_failsWithinTimeout() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        assertRefusedQuickly(URI.create("tcp://127.0.0.1:" + port), TlsMaterial.fromDirectory(tls).sslContext(), "refused the connection");
    }

    @Test
    void engineHung_acceptsButNeverAnswers_failsWithinTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) held.add(silent.accept());
                } catch (IOException closed) {
                    // test over
                }
            });
            assertRefusedQuickly(URI.create("tcp://127.0.0.1:" + silent.getLocalPort()), TlsMaterial.fromDirectory(tls).sslContext(), "did not answer in time");
            acceptor.interrupt();
            for (Socket s : held) s.close();
        }
    }

    private static void assertRefusedQuickly(URI host, SSLContext context, String expectedReason) {
        long start = System.nanoTime();
        try (DockerClient docker = DockerClients.create(host, context, SHORT, SHORT)) {
            assertThatThrownBy(() -> docker.pingCmd().exec())
                    .satisfies(e -> assertThat(EngineErrors.unreachable(e)).hasValueSatisfying(
                            reason -> assertThat(reason).contains(expectedReason)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMillis).as("refusal must not hang").isLessThan(BOUND_MILLIS);
    }

    private static SSLContext serverContext(Path cert, Path key) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(TlsMaterial.keyManagers(Files.readString(cert), Files.readString(key)), null, null);
        return context;
    }

    private static Thread acceptAndHandshake(SSLServerSocket server) {
        return Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    SSLSocket socket = (SSLSocket) server.accept();
                    try (socket) {
                        socket.startHandshake();
                        socket.getInputStream().read();
                    } catch (IOException handshakeRefused) {
                        // expected: the client rejects our certificate
                    }
                }
            } catch (IOException closed) {
                // test over
            }
        });
    }
}
