package dev.vmroutes.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real local server (the functions module's application, on the test's class path) in a process
 * of its own, so that its environment (which the routes read, as run-local's server does) is this
 * test's: an embedded store in a temporary folder, a bearer token, and the settings given.
 */
public final class LocalServer implements AutoCloseable {

    static final String APPLICATION = "dev.vmroutes.functions.VmRoutesApplication";

    public final String url;
    public final String token = "local-server-test-token";
    public final Path log;
    private final Process process;

    public LocalServer(Path dir, Map<String, String> settings) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        url = "http://127.0.0.1:" + port;
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("VM_TABLE_NAME");
        env.put("VM_DATA_DIR", Files.createDirectories(dir.resolve("data")).toString());
        env.put("VM_API_TOKEN", token);
        env.put("PORT", Integer.toString(port));
        env.put("VM_GIT_ALLOWED_HOSTS", "127.0.0.1,localhost");
        env.put("VM_PROBE_TIMEOUT_SECONDS", "2");
        env.putAll(settings);
        log = dir.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.virtualThreadScheduler.parallelism=16", "-cp", System.getProperty("java.class.path"),
                APPLICATION))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        process = builder.start();
        long until = System.nanoTime() + 120_000_000_000L;
        while (!listening(port)) {
            if (!process.isAlive()) throw new IllegalStateException("the server stopped: " + Files.readString(log));
            if (System.nanoTime() > until) throw new IllegalStateException("the server did not listen: " + Files.readString(log));
            Thread.sleep(200);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the server this started, by its own process handle. */
    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
    }
}
