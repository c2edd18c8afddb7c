package dev.vmroutes.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of the engine's TLS port that can misbehave as networks do:
 * close the next connections as soon as they are made (the client's TLS handshake is cut off), or
 * hold them open and never pass a byte on (an engine that hangs).
 */
public final class DroppingProxy implements AutoCloseable {

    public enum Mode { PASS, DROP, HANG }

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final AtomicInteger dropNext = new AtomicInteger();
    private volatile Mode mode = Mode.PASS;
    private final AtomicInteger accepted = new AtomicInteger();

    public DroppingProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes the next {@code count} connections at once, then passes again. */
    public void dropNext(int count) {
        dropNext.set(count);
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public int accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                if (mode == Mode.DROP || dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    client.setSoLinger(true, 0);
                    client.close();
                } else if (mode == Mode.HANG) {
                    Thread.ofVirtual().start(() -> hold(client));
                } else {
                    Socket engine = new Socket(targetHost, targetPort);
                    Thread.ofVirtual().start(() -> pipe(client, engine));
                    Thread.ofVirtual().start(() -> pipe(engine, client));
                }
            } catch (IOException closed) {
                if (server.isClosed()) return;
            }
        }
    }

    private static void hold(Socket client) {
        try (client) {
            client.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException gone) {
            // the client gave up
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16384];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException gone) {
            // either side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
