package dev.vmroutes.functions;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that send a request a little at a time, over real sockets: ten trickle a body, ten a
 * header line at a time. Each is cut off once its timeout has passed, and the server keeps
 * answering others meanwhile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "vm.http.header-read-timeout=3s", "vm.http.body-read-timeout=3s", "server.tomcat.connection-timeout=4s"})
class SlowClientsIT {

    /** How long a client keeps trickling when nobody cuts it off. */
    static final int TRICKLE_SECONDS = 60;

    @LocalServerPort
    int port;

    /** What a client got before its connection closed, and when it closed. */
    record Outcome(String received, long closedAfterMs, boolean finishedTrickling) {
    }

    @Test
    void twentySlowClients_areCutOffWithinTheirTimeouts_whileListKeepsAnswering() throws Exception {
        List<CompletableFuture<Outcome>> bodies = new ArrayList<>();
        List<CompletableFuture<Outcome>> heads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            bodies.add(trickle("POST /api/v1/vm/deploy HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 200\r\n\r\n{", " ")); // white space: the JSON stays open, so only the time ends it
            heads.add(trickle("GET /api/v1/vm/list HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-Slow: y\r\n"));
        }

        // Served while all twenty hold their connections.
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vm/list"))
                    .timeout(java.time.Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        }

        for (CompletableFuture<Outcome> body : bodies) {
            Outcome outcome = body.get(TRICKLE_SECONDS + 10, TimeUnit.SECONDS);
            assertThat(outcome.finishedTrickling()).isFalse();
            assertThat(outcome.received()).startsWith("HTTP/1.1 408").contains("did not arrive within 3 s");
            // The body's 3 s, and the read under way when they ran out (at most the 4 s read timeout).
            assertThat(outcome.closedAfterMs()).isLessThan(3_000 + 4_000 + 2_000);
        }
        for (CompletableFuture<Outcome> head : heads) {
            Outcome outcome = head.get(TRICKLE_SECONDS + 10, TimeUnit.SECONDS);
            assertThat(outcome.finishedTrickling()).isFalse();
            assertThat(outcome.received()).doesNotContain("200");
            // The head's 3 s, and the reaper's round (under a second).
            assertThat(outcome.closedAfterMs()).isLessThan(3_000 + 1_000 + 2_000);
        }
    }

    /** Sends {@code start}, then {@code unit} once a second until the server closes the connection or a minute passes. */
    private CompletableFuture<Outcome> trickle(String start, String unit) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            long began = System.nanoTime();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = socket.getOutputStream();
                out.write(start.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                CompletableFuture<Long> closed = CompletableFuture.supplyAsync(() -> readToEnd(socket, received, began),
                        Thread::startVirtualThread);
                boolean finished = true;
                for (int i = 0; i < TRICKLE_SECONDS; i++) {
                    if (closed.isDone()) {
                        finished = false;
                        break;
                    }
                    try {
                        out.write(unit.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException cutOff) {
                        finished = false;
                        break;
                    }
                    Thread.sleep(1000);
                }
                long closedAfter = finished ? -1 : closed.get(10, TimeUnit.SECONDS);
                outcome.complete(new Outcome(received.toString(StandardCharsets.US_ASCII), closedAfter, finished));
            } catch (Exception e) {
                outcome.completeExceptionally(e);
            }
        });
        return outcome;
    }

    /** Reads until the server closes; the milliseconds from {@code began} to then. */
    private static long readToEnd(Socket socket, ByteArrayOutputStream into, long began) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) >= 0; ) into.write(buffer, 0, n);
        } catch (IOException reset) {
            // closed with a reset: closed all the same
        }
        return (System.nanoTime() - began) / 1_000_000;
    }
}
