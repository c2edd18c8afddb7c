package dev.vmroutes.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.HealthRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import dev.vmroutes.api.Deadline;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP GET to a container's published port: only the publish address, only a plain
 * absolute path, no redirects, short timeouts, the body capped.
 */
public final class HttpProbe {

    public static final int MAX_BODY_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration connectTimeout;
    private final Duration requestTimeout;

    /**
     * @param requestTimeout how long the answer may keep the probe waiting once connected
     */
    public HttpProbe(Duration connectTimeout, Duration requestTimeout) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    /**
     * @param address the publish address (never anything a caller chose)
     * @return the outcome; failures are reported in it, never thrown
     */
    public ProbeResult get(String address, int port, String path) {
        if (!HealthRequest.isPlainPath(path)) throw new IllegalArgumentException("not a plain absolute path");
        String host = address.contains(":") ? "[" + address + "]" : address;
        URI uri = URI.create("http://" + host + ":" + port + path);
        HttpURLConnection connection;
        try {
            // The JDK's plain blocking client: a probe is one short exchange, and a sweep runs many at once.
            connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        } catch (IOException e) {
            return ProbeResult.failed("no answer: " + describe(e));
        }
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setConnectTimeout((int) connectTimeout.toMillis());
        connection.setReadTimeout((int) requestTimeout.toMillis());
        connection.setRequestProperty("Connection", "close");
        // The read timeout bounds each read; an agent that trickles its answer a byte at a time would never hit it.
        // The whole exchange has one deadline. Past it the reading thread is interrupted: a virtual thread blocked
        // on a socket has the socket closed under it, whether it waits for the headers or for the body.
        // (Closing the connection from here would not do: it waits for the read in progress to end.)
        Duration total = Deadline.cap(connectTimeout.plus(requestTimeout));
        CompletableFuture<ProbeResult> exchange = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().name("probe").start(() -> exchange.complete(exchange(connection)));
        try {
            return exchange.get(total.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            reader.interrupt();
            return ProbeResult.failed("no complete answer within " + total.toMillis() + " ms");
        } catch (InterruptedException e) {
            reader.interrupt();
            Thread.currentThread().interrupt();
            return ProbeResult.failed("interrupted");
        } catch (ExecutionException e) {
            return ProbeResult.failed("no answer: " + describe(e.getCause()));
        }
    }

    private ProbeResult exchange(HttpURLConnection connection) {
        try {
            int status = connection.getResponseCode();
            byte[] body;
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                body = in == null ? new byte[0] : in.readNBytes(MAX_BODY_BYTES);
            }
            return ProbeResult.answered(status, parse(body));
        } catch (SocketTimeoutException e) {
            return ProbeResult.failed("timed out after " + requestTimeout.toMillis() + " ms");
        } catch (IOException e) {
            return ProbeResult.failed("no answer: " + describe(e));
        } finally {
            connection.disconnect();
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static Object parse(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode json = JSON.readTree(text);
            if (json != null && !json.isMissingNode()) return json;
        } catch (IOException notJson) {
            // fall through to text
        }
        return text;
    }

    /**
     * @param statusCode null when there was no HTTP answer
     * @param response   the body: a JSON tree when it parses, else text (capped)
     * @param error      why there was no answer
     */
    public record ProbeResult(Integer statusCode, Object response, String error) {
        public static ProbeResult answered(int statusCode, Object response) {
            return new ProbeResult(statusCode, response, null);
        }

        public static ProbeResult failed(String error) {
            return new ProbeResult(null, null, error);
        }

        public boolean ok() {
            return statusCode != null && statusCode >= 200 && statusCode < 400;
        }
    }
}
