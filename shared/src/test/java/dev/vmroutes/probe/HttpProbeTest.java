package dev.vmroutes.probe;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe against a real socket on loopback that trickles its answer a byte every 200 ms, so
 * that no single read ever times out: the probe still ends within its one deadline.
 */
class HttpProbeTest {

    @Test
    void anAgentThatTricklesItsAnswer_isCutOffAtTheDeadline_notAfterTheWholeAnswer() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n" + "x".repeat(400);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread trickler = Thread.ofVirtual().start(() -> {
                try (Socket client = server.accept()) {
                    client.getInputStream().read(new byte[1024]);
                    OutputStream out = client.getOutputStream();
                    for (byte b : answer.getBytes(StandardCharsets.US_ASCII)) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the probe hung up, as it should
                }
            });
            // The whole answer would take 90 s at this pace; the probe is bounded by its deadline (1.5 s) and some slack.
            assertCutOffAtDeadline(server, trickler);
        }
    }

    @Test
    void anAgentThatSendsItsHeadersAtOnce_andThenTricklesItsBody_isCutOffAtTheDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread trickler = Thread.ofVirtual().start(() -> {
                try (Socket client = server.accept()) {
                    client.getInputStream().read(new byte[1024]);
                    OutputStream out = client.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    for (int i = 0; i < 400; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the probe hung up, as it should
                }
            });
            // The body would take 80 s at this pace; the probe ends at its deadline (1.5 s), give or take scheduling.
            assertCutOffAtDeadline(server, trickler);
        }
    }

    @Test
    void aPromptAnswer_isReadWhole() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket client = server.accept()) {
                    client.getInputStream().read(new byte[1024]);
                    client.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // test server
                }
            });
            HttpProbe.ProbeResult result = new HttpProbe(Duration.ofMillis(500), Duration.ofSeconds(1))
                    .get("127.0.0.1", server.getLocalPort(), "/health");
            assertThat(result.statusCode()).isEqualTo(200);
            assertThat(result.response().toString()).contains("\"ok\":true");
        }
    }

    /** A probe with a 1.5 s deadline of the trickling server: no answer, the deadline's error, and the connection closed. */
    private static void assertCutOffAtDeadline(ServerSocket server, Thread trickler) throws InterruptedException {
        HttpProbe probe = new HttpProbe(Duration.ofMillis(500), Duration.ofSeconds(1));
        long start = System.nanoTime();
        HttpProbe.ProbeResult result = probe.get("127.0.0.1", server.getLocalPort(), "/health");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).startsWith("no complete answer within 1500 ms");
        assertThat(tookMs).isLessThan(10_000);
        trickler.join(5_000);
        assertThat(trickler.isAlive()).as("the trickling connection was closed").isFalse();
    }
}
