package dev.vmroutes.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A Python package index on 127.0.0.1 (PEP 503's simple API) serving one pure-Python wheel built
 * here, so a build's {@code pip install} really downloads and installs a package. The wheel is
 * served after {@code delay}, long enough for a deploy to outlast a short budget.
 */
public final class PackageIndex implements AutoCloseable {

    public static final String PACKAGE = "greeting";
    public static final String VERSION = "1.0";
    private static final String WHEEL_NAME = PACKAGE + "-" + VERSION + "-py3-none-any.whl";

    private final HttpServer server;
    private final byte[] wheel;
    private final long delayMillis;
    private volatile int wheelsServed;

    public PackageIndex(long delayMillis) throws IOException {
        this.delayMillis = delayMillis;
        this.wheel = wheel();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/simple/", this::simple);
        server.createContext("/packages/", this::packages);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/simple/";
    }

    public int wheelsServed() {
        return wheelsServed;
    }

    private void simple(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String html;
        if (path.equals("/simple/")) {
            html = "<!DOCTYPE html><html><body><a href=\"/simple/" + PACKAGE + "/\">" + PACKAGE + "</a></body></html>";
        } else if (path.equals("/simple/" + PACKAGE + "/")) {
            html = "<!DOCTYPE html><html><body><a href=\"/packages/" + WHEEL_NAME + "#sha256=" + HexFormat.of().formatHex(sha256(wheel))
                    + "\">" + WHEEL_NAME + "</a></body></html>";
        } else {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        send(exchange, "text/html", html.getBytes(StandardCharsets.UTF_8));
    }

    private void packages(HttpExchange exchange) throws IOException {
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wheelsServed++;
        send(exchange, "application/octet-stream", wheel);
    }

    private static void send(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** A wheel as PEP 427 has it: the module, and dist-info with METADATA, WHEEL and a RECORD of hashes. */
    private static byte[] wheel() throws IOException {
        String distInfo = PACKAGE + "-" + VERSION + ".dist-info/";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(PACKAGE + "/__init__.py", "def hello():\n    return 'hello from the package index'\n".getBytes(StandardCharsets.UTF_8));
        files.put(distInfo + "METADATA", ("Metadata-Version: 2.1\nName: " + PACKAGE + "\nVersion: " + VERSION + "\n").getBytes(StandardCharsets.UTF_8));
        files.put(distInfo + "WHEEL", "Wheel-Version: 1.0\nGenerator: vm-routes-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
                .getBytes(StandardCharsets.UTF_8));
        StringBuilder record = new StringBuilder();
        files.forEach((name, content) -> record.append(name).append(",sha256=")
                .append(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(content))).append(',').append(content.length).append('\n'));
        record.append(distInfo).append("RECORD,,\n");
        files.put(distInfo + "RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
