package dev.vmroutes.functions.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * Serves the Lambda Runtime API on loopback and runs a handler in a fresh JVM under the real
 * Lambda Java runtime interface client, with the flags Lambda uses, to time a cold start:
 * from starting the JVM to receiving the first invocation's response.
 */
public final class LambdaRuntimeHarness implements AutoCloseable {

    public static final List<String> JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
            "-Djdk.virtualThreadScheduler.parallelism=16");
    public static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private final HttpServer server;
    private volatile byte[] event;
    private volatile String requestId;
    private volatile boolean served;
    private long generation;
    private volatile CompletableFuture<String> response = new CompletableFuture<>();
    private volatile Runnable onRestore = () -> { };

    /** The first response of one cold start, and how long it took from JVM start. */
    public record ColdStart(String handler, Duration elapsed, String response) {
    }

    public LambdaRuntimeHarness() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/2018-06-01/runtime/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (path.endsWith("/invocation/next")) {
            synchronized (this) {
                long mine = generation;
                while (served && mine == generation) {
                    try {
                        wait(); // one invocation per process: its next poll waits until the process is ended
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (mine != generation) {
                    exchange.close(); // a poll from an ended process: never hand it the next event
                    return;
                }
                served = true;
            }
            exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", requestId);
            exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 900_000));
            exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench");
            exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, event.length);
            exchange.getResponseBody().write(event);
        } else if (path.endsWith("/restore/next")) {
            // A SnapStart function after its beforeCheckpoint hooks: the snapshot is taken here, and this returns on restore.
            onRestore.run();
            exchange.sendResponseHeaders(200, -1);
        } else if (path.endsWith("/response")) {
            response.complete(new String(body, StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(202, -1);
        } else {
            response.completeExceptionally(new IllegalStateException(path + ": " + new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(202, -1);
        }
        exchange.close();
    }

    /** What happens between a SnapStart function's snapshot and its restore (credentials change, for instance). */
    public void onRestore(Runnable action) {
        onRestore = action;
    }

    /** Starts a JVM running {@code handler} on {@code classpath}, feeds it {@code eventJson} and waits for its answer. */
    public ColdStart coldStart(List<Path> classpath, String handler, Map<String, String> environment, byte[] eventJson,
                               Duration timeout) throws Exception {
        return start(classpath, List.of(), RIC_MAIN, handler, environment, false, eventJson, timeout);
    }

    /**
     * Starts a JVM running {@code mainClass} (the runtime client, or a launcher that ends in it) for
     * {@code handler}, feeds it {@code eventJson} and waits for its answer.
     *
     * @param onlyThisEnvironment the process gets {@code environment} and the Runtime API's variables and
     *                            nothing of this process's own (no credentials a laptop happens to have)
     */
    public ColdStart start(List<Path> classpath, List<String> jvmOptions, String mainClass, String handler,
                           Map<String, String> environment, boolean onlyThisEnvironment, byte[] eventJson,
                           Duration timeout) throws Exception {
        try (Running running = launch(classpath, jvmOptions, mainClass, handler, environment, onlyThisEnvironment, eventJson)) {
            return running.await(timeout);
        }
    }

    /** Starts the function as {@link #start} does, without waiting: the caller waits, or kills it as a dying sandbox would. */
    public Running launch(List<Path> classpath, List<String> jvmOptions, String mainClass, String handler,
                          Map<String, String> environment, boolean onlyThisEnvironment, byte[] eventJson) throws IOException {
        CompletableFuture<String> answer;
        synchronized (this) {
            event = eventJson;
            requestId = UUID.randomUUID().toString();
            generation++;
            served = false;
            response = new CompletableFuture<>();
            answer = response;
            notifyAll();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
        command.add(mainClass);
        command.add(handler);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (onlyThisEnvironment) builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + server.getAddress().getPort());
        builder.environment().put("_HANDLER", handler);
        builder.environment().putIfAbsent("AWS_LAMBDA_FUNCTION_NAME", "bench");
        builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        builder.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        builder.environment().putIfAbsent("AWS_REGION", "us-east-1");
        Path log = Files.createTempFile("cold-start", ".log");
        builder.redirectOutput(log.toFile());
        return new Running(handler, builder.start(), answer, log, System.nanoTime(), generation);
    }

    /** A function's process and the answer it will give. */
    public record Running(String handler, Process process, CompletableFuture<String> answer, Path log, long startNanos,
                          long generation) implements AutoCloseable {

        public ColdStart await(Duration timeout) throws Exception {
            try {
                String response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return new ColdStart(handler, Duration.ofNanos(System.nanoTime() - startNanos), response);
            } catch (Exception e) {
                throw new IllegalStateException(handler + " did not answer: " + e.getMessage() + "\n" + tail(log), e);
            }
        }

        /** Ends the process at once, as a sandbox that dies does: no shutdown hook, no cleanup. */
        public void kill() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            String keep = System.getProperty("coldstart.logs");
            if (keep != null) {
                Files.createDirectories(Path.of(keep));
                Files.move(log, Path.of(keep).resolve(handler.replaceAll("[^A-Za-z]+", "-") + "-" + generation + ".log"));
            } else {
                Files.deleteIfExists(log);
            }
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** The runtime interface client and what it needs, from this JVM's class path. */
    public static List<Path> runtimeClient() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("aws-lambda-java-runtime-interface-client") || e.contains("aws-lambda-java-serialization")
                        || e.contains("aws-lambda-java-core"))
                .map(Path::of).toList();
    }

    /** Unpacks the Lambda zip and returns its class path: the root and every jar in lib/. */
    public static List<Path> unpack(Path zip, Path into) throws IOException {
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            for (var entries = archive.entries(); entries.hasMoreElements(); ) {
                var entry = entries.nextElement();
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) throw new IOException("bad entry " + entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = archive.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        List<Path> classpath = new ArrayList<>();
        classpath.add(into);
        try (var jars = Files.list(into.resolve("lib"))) {
            jars.sorted().forEach(classpath::add);
        }
        return classpath;
    }

    @Override
    public void close() {
        synchronized (this) {
            generation++;
            notifyAll();
        }
        server.stop(0);
    }
}
