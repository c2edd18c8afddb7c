package dev.vmroutes.functions.bench;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local server the README's run command starts (its jar, the embedded store), on a free
 * port, for the benchmarks: its store and its log ({@code server.log}) in {@code dir}.
 */
record LocalServer(Process process, int port) implements AutoCloseable {

    static LocalServer start(Path dir) throws Exception {
        Path root = Path.of(System.getProperty("vmroutes.root", "."));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", root.resolve("functions/target/vm-routes-functions-1.0.0-SNAPSHOT-local.jar").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        command.environment().putAll(Map.of("PORT", Integer.toString(port), "VM_DATA_DIR", dir.resolve("data").toString(),
                "VM_GIT_ALLOWED_HOSTS", "127.0.0.1"));
        return new LocalServer(command.start(), port);
    }

    /** Stops the server this started, by its own process handle. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(20, TimeUnit.SECONDS);
    }
}
