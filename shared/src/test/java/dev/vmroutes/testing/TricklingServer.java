package dev.vmroutes.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hostile HTTP server on 127.0.0.1: it accepts, reads the request, and then sends its answer
 * one byte every quarter second, forever, so no per-read timeout ever fires. It knows which of
 * its connections the other side still holds open.
 */
public final class TricklingServer implements AutoCloseable {

    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: "
            + "x".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int accepted;

    public TricklingServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Connections made so far. */
    public int accepted() {
        return accepted;
    }

    /** Connections the other side has not closed yet. */
    public int open() {
        return open.size();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted++;
                open.add(socket);
                Thread.ofVirtual().start(() -> trickle(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void trickle(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            in.read(new byte[8192]);
            OutputStream out = socket.getOutputStream();
            for (byte b : ANSWER) {
                out.write(b);
                out.flush();
                Thread.sleep(250);
            }
        } catch (IOException | InterruptedException gone) {
            // the other side closed the connection
        } finally {
            open.remove(socket);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) socket.close();
    }
}
