package dev.vmroutes.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A package index on 127.0.0.1 serving source distributions whose build runs hostile code: each
 * package's in-tree build backend (PEP 517, nothing to download) runs its Python statements as it
 * is imported, that is, while {@code pip install} builds it, as {@code setup.py} would.
 */
public final class HostilePackageIndex implements AutoCloseable {

    public static final String VERSION = "1.0";
    private final HttpServer server;
    private final Map<String, String> packages;

    /** @param packages the code each package runs at build time, by package name */
    public HostilePackageIndex(Map<String, String> packages) throws IOException {
        this.packages = Map.copyOf(packages);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/simple/", this::simple);
        server.createContext("/packages/", this::packages);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/simple/";
    }

    private void simple(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().replaceAll("^/simple/|/$", "");
        if (!packages.containsKey(name)) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        String file = name + "-" + VERSION + ".tar.gz";
        send(exchange, "text/html", ("<!DOCTYPE html><html><body><a href=\"/packages/" + file + "\">" + file + "</a></body></html>")
                .getBytes(StandardCharsets.UTF_8));
    }

    private void packages(HttpExchange exchange) throws IOException {
        String file = exchange.getRequestURI().getPath().substring("/packages/".length());
        String name = file.replace("-" + VERSION + ".tar.gz", "");
        if (!packages.containsKey(name)) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        send(exchange, "application/octet-stream", sdist(name, packages.get(name)));
    }

    private static void send(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** An sdist whose pyproject.toml names a backend in the archive itself, which runs {@code code} on import. */
    private static byte[] sdist(String name, String code) throws IOException {
        String root = name + "-" + VERSION + "/";
        Map<String, String> files = Map.of(
                root + "PKG-INFO", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + VERSION + "\n",
                root + "pyproject.toml", "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n",
                root + "backend.py", code + "\n\ndef build_wheel(wheel_directory, config_settings=None, metadata_directory=None):\n"
                        + "    raise RuntimeError('never built')\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (var file : files.entrySet()) {
                byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
